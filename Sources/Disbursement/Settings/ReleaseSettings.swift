/// How batches leave and status files come back: the four-eyes rule, the programme's
/// signing key, the local folders, and each channel's SFTP host-to-host link.
public struct ReleaseSettings: Sendable, Equatable {
    public enum Approval: String, Sendable {
        /// A batch is delivered only once another login approved it.
        case required
        /// Every batch is delivered as soon as its files are written (demo, or a test system).
        case none
    }

    public var approval: Approval = .required
    /// ASCII-armoured OpenPGP secret key of the programme, without passphrase, mode 0600.
    public var signingKeyFile: String?
    /// Where encrypted files wait between encryption and upload (default: OUT-spool beside OUT).
    public var spoolDirectory: String?
    /// Where collected status files are kept, as fetched and decrypted (default: OUT-collected).
    public var collectDirectory: String?
    /// By channel code; a channel without one is not delivered to (and said so).
    public var sftp: [String: SFTPSettings] = [:]
    /// Wall-clock limit of each external program (one sftp session, one gpg call): past it the
    /// program is killed and its channel reported unreachable (or its file refused).
    public var timeoutSeconds = 600
    /// The largest status file collect fetches, and the most its decryption may write: a small
    /// compressed file must not fill the disk.
    public var maxStatusFileBytes = 512 << 20

    public init() {}

    public func spool(output: String) -> String { spoolDirectory ?? output + "-spool" }
    public func collected(output: String) -> String { collectDirectory ?? output + "-collected" }
}

/// One channel's host-to-host link: an SFTP account with an inbox we write to and an outbox
/// we read from, and the channel's OpenPGP public key.
public struct SFTPSettings: Sendable, Equatable {
    public enum Format: String, Sendable {
        /// The channel is sent its pain.001 files (CHANNEL-NNN.xml).
        case pain001
        /// The channel is sent its CSV files (CHANNEL-NNN.csv).
        case csv

        public var fileExtension: String { self == .pain001 ? ".xml" : ".csv" }
    }

    public var host: String
    public var port: Int
    public var user: String
    /// SSH private key, mode 0600.
    public var keyFile: String
    /// The host key's fingerprint as `ssh-keygen -l` prints it: `SHA256:` and 43 base64 characters.
    public var hostKey: String
    public var inbox: String
    public var outbox: String
    /// The channel's OpenPGP public key: files are encrypted to it and status files must be signed by it.
    public var publicKeyFile: String
    /// Exactly one form of each payout goes to a channel, so it can never pay a payout twice.
    public var format: Format
    /// `release.timeout_seconds`, for each sftp session and ssh-keyscan with this channel.
    public var timeLimit = 600
}

extension ReleaseSettings {
    private static let releaseKeys: Set<String> = [
        "approval", "signing_key", "spool_dir", "collect_dir", "timeout_seconds", "max_status_file_bytes",
    ]
    private static let sftpKeys: Set<String> = [
        "host", "port", "user", "key_file", "host_key", "inbox", "outbox", "public_key", "format",
    ]

    static func parse(
        _ reader: TableReader, channels: TableReader, resolve: (String) -> String
    ) throws(SettingsError) -> ReleaseSettings {
        var settings = ReleaseSettings()
        if reader.table["release"] != nil {
            let release = try reader.table("release")
            try release.rejectUnknown(releaseKeys)
            let approval = try release.string("approval", default: Approval.required.rawValue)
            guard let policy = Approval(rawValue: approval) else {
                throw SettingsError("\(reader.file): \"release.approval\" must be \"required\" or \"none\".")
            }
            settings.approval = policy
            if release.table["signing_key"] != nil { settings.signingKeyFile = resolve(try release.string("signing_key")) }
            if release.table["spool_dir"] != nil { settings.spoolDirectory = resolve(try release.string("spool_dir")) }
            if release.table["collect_dir"] != nil { settings.collectDirectory = resolve(try release.string("collect_dir")) }
            settings.timeoutSeconds = try release.int("timeout_seconds", default: settings.timeoutSeconds, range: 1...86_400)
            settings.maxStatusFileBytes = try release.int(
                "max_status_file_bytes", default: settings.maxStatusFileBytes, range: (1 << 20)...(64 << 30))
        }
        for code in channels.keys.sorted() {
            let channel = try channels.table(code)
            guard channel.table["sftp"] != nil else { continue }
            let sftp = try channel.table("sftp")
            try sftp.rejectUnknown(sftpKeys)
            let hostKey = try sftp.string("host_key")
            guard hostKey.hasPrefix("SHA256:"), hostKey.count == 50 else {
                throw SettingsError("\(reader.file): \"\(sftp.name("host_key"))\" must be the host key's SHA256 fingerprint as ssh-keygen -l prints it, like SHA256: and 43 characters.")
            }
            let format = try sftp.string("format", default: SFTPSettings.Format.pain001.rawValue)
            guard let sendFormat = SFTPSettings.Format(rawValue: format) else {
                throw SettingsError("\(reader.file): \"\(sftp.name("format"))\" must be \"pain001\" or \"csv\".")
            }
            let host = try sftp.string("host")
            let user = try sftp.string("user")
            let inbox = try sftp.string("inbox")
            let outbox = try sftp.string("outbox")
            // These go into sftp's batch commands and its command line: plain characters only.
            for (key, value) in [("host", host), ("user", user), ("inbox", inbox), ("outbox", outbox)]
            where !value.allSatisfy(\.isSafeRemotePathCharacter) || value.hasPrefix("-") {
                throw SettingsError("\(reader.file): \"\(sftp.name(key))\" may hold only letters, digits and . _ - / (and not start with -).")
            }
            settings.sftp[code] = SFTPSettings(
                host: host, port: try sftp.int("port", default: 22, range: 1...65535), user: user,
                keyFile: resolve(try sftp.string("key_file")), hostKey: hostKey, inbox: inbox, outbox: outbox,
                publicKeyFile: resolve(try sftp.string("public_key")), format: sendFormat, timeLimit: settings.timeoutSeconds)
        }
        return settings
    }
}

extension Character {
    var isSafeRemotePathCharacter: Bool {
        isASCII && (isLetter || isNumber || self == "." || self == "_" || self == "-" || self == "/")
    }
}
