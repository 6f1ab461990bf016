import Crypto
import Foundation

/// One channel's SFTP account, reached with OpenSSH's own `sftp` in batch mode: no password
/// prompt, the key file from the settings, no ~/.ssh/config, and a known-hosts file of our own
/// holding only the host key whose fingerprint the settings pin.
struct ChannelLink {
    /// Why a channel could not be used this time.
    enum Problem: Error, Equatable {
        /// Connection refused, timeout, authentication or a remote command failed (full disk):
        /// retried by the next call (exit 69).
        case unreachable(String)
        /// The host presented another key than the pinned one: never retried blindly (exit 78).
        case hostKeyChanged(String)
    }

    struct Entry: Equatable {
        let name: String
        let size: Int64
    }

    let channel: String
    let settings: SFTPSettings
    private let sftp: ExternalProgram
    private let knownHosts: TemporaryFolder

    /// Fetches the host's keys, keeps the one matching the pinned fingerprint, and refuses
    /// the channel when none does.
    static func open(_ channel: String, _ settings: SFTPSettings) throws -> Result<ChannelLink, Problem> {
        let keyscan = try ExternalProgram.locate("ssh-keyscan", package: "openssh-client")
        let sftp = try ExternalProgram.locate("sftp", package: "openssh-client")
        try checkKeyFile(settings.keyFile, channel: channel)
        let scan = try keyscan.run(["-T", "10", "-p", String(settings.port), settings.host], limit: settings.timeLimit)
        let keys = scan.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
            .filter { $0.count >= 3 }
        guard !keys.isEmpty else {
            return .failure(.unreachable("no SSH server answered at \(settings.host) port \(settings.port)"))
        }
        guard let pinned = keys.first(where: { fingerprint(String($0[2])) == settings.hostKey }) else {
            let seen = keys.compactMap { fingerprint(String($0[2])) }.joined(separator: ", ")
            return .failure(.hostKeyChanged(
                "\(settings.host) port \(settings.port) presents the host key \(seen), not the pinned \(settings.hostKey)"))
        }
        let folder = try TemporaryFolder(prefix: "disburse-ssh")
        try Data(pinned.joined(separator: " ").appending("\n").utf8).write(to: URL(fileURLWithPath: folder.path + "/known_hosts"))
        return .success(ChannelLink(channel: channel, settings: settings, sftp: sftp, knownHosts: folder))
    }

    /// `SHA256:` and the unpadded base64 of the key blob's SHA-256, as ssh-keygen -l prints it.
    static func fingerprint(_ base64Blob: String) -> String? {
        guard let blob = Data(base64Encoded: base64Blob) else { return nil }
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    static func checkKeyFile(_ path: String, channel: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw SettingsError("Cannot read the SSH key file \(path) of channel \(channel): check channels.\(channel).sftp.key_file.")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw SettingsError("The SSH key file \(path) of channel \(channel) can be read by other users (mode \(String(mode, radix: 8))): chmod 600 it.")
        }
    }

    /// Runs sftp batch commands; sftp stops at the first that fails. Returns what they printed.
    func run(_ commands: [String]) throws -> Result<[String], Problem> {
        let arguments = [
            "-b", "-", "-F", "/dev/null", "-P", String(settings.port), "-i", settings.keyFile,
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=\(knownHosts.path)/known_hosts", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15", "-o", "LogLevel=ERROR",
            "\(settings.user)@\(settings.host)",
        ]
        let result = try sftp.run(arguments, input: commands.joined(separator: "\n") + "\n", limit: settings.timeLimit)
        if result.timedOut {
            return .failure(.unreachable("the SFTP session did not finish within \(settings.timeLimit) seconds (release.timeout_seconds)"))
        }
        if result.status == 0 {
            return .success(result.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("sftp>") })
        }
        let said = result.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("sftp>") }
        if said.contains(where: { $0.contains("Host key verification failed") || $0.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") }) {
            return .failure(.hostKeyChanged("\(settings.host) port \(settings.port) changed its host key during the session"))
        }
        let reason = said.last.map { Masking.digitRuns(String($0.prefix(200))) } ?? "sftp exited with status \(result.status)"
        return .failure(.unreachable(reason))
    }

    /// The plain files in a remote folder with their sizes (`ls -ln`); odd names are left out
    /// by the caller, not here.
    func list(_ folder: String) throws -> Result<[Entry], Problem> {
        try run(["@ls -ln \(folder)"]).map(Self.parseListing)
    }

    static func parseListing(_ lines: [String]) -> [Entry] {
        lines.compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 9, fields[0].hasPrefix("-"), let size = Int64(fields[4]) else { return nil }
            let path = fields[8...].joined(separator: " ")
            return Entry(name: (path as NSString).lastPathComponent, size: size)
        }
    }
}
