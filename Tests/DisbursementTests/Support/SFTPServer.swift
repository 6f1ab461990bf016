import Foundation

@testable import Disbursement

/// A real OpenSSH server for one test: loopback only, a free port, throwaway host and user
/// keys, run as the current user with internal-sftp only, and one inbox and outbox per
/// channel under its folder. Stopped and removed when the value goes away.
final class SFTPServer {
    let folder: URL
    let port: Int
    let userKey: String
    private let pid: pid_t

    var root: URL { folder.appending(path: "root") }

    /// `command` replaces the SFTP server the login gets (`cat >/dev/null`: one that never answers).
    init(channels: [String], command: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "disburse-sshd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for channel in channels {
            for box in ["inbox", "outbox"] {
                try FileManager.default.createDirectory(at: folder.appending(path: "root/\(channel)/\(box)"), withIntermediateDirectories: true)
            }
        }
        let keygen = try ExternalTool.sshKeygen.located()
        for name in ["host", "user", "stranger", "otherhost"] {
            _ = try SetupCommand.run(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", folder.appending(path: name).path])
        }
        userKey = folder.appending(path: "user").path
        // sshd started by root wants its privilege separation folder, as Debian's service makes it.
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        // freePort() closes the port before sshd binds it, so a parallel test can take it in
        // between: start again on another port when sshd says so, a bounded number of times.
        var attempt = 0
        var started: (port: Int, pid: pid_t, reader: Int32)?
        while started == nil {
            attempt += 1
            let candidate = try Self.freePort()
            do {
                started = try Self.launch(folder: folder, port: candidate, command: command)
            } catch is PortTaken where attempt < 10 {
                continue
            }
        }
        guard let started else { throw TestSetupError("sshd did not start") }
        port = started.port
        pid = started.pid
        let reader = started.reader
        DispatchQueue.global().async {
            var sink = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(reader, &sink, sink.count)
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
            close(reader)
        }
    }

    private struct PortTaken: Error, CustomStringConvertible { let description: String }

    /// Starts sshd on `port` and returns once it listens; `PortTaken` when the port was taken.
    private static func launch(folder: URL, port: Int, command: String?) throws -> (port: Int, pid: pid_t, reader: Int32) {
        let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(folder.path)/host
            PidFile none
            AuthorizedKeysFile \(folder.path)/user.pub
            UsePAM no
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            AllowTcpForwarding no
            X11Forwarding no
            Subsystem sftp internal-sftp
            ForceCommand \(command ?? "internal-sftp -d \(folder.path)/root")

            """
        try config.write(to: folder.appending(path: "sshd_config"), atomically: true, encoding: .utf8)
        // sshd says on standard error when it listens: read until then, and drain the rest in
        // the background so its log never fills the pipe.
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0, fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(ends[1], F_SETFD, FD_CLOEXEC) == 0 else { throw TestSetupError("no pipe") }
        let pid: pid_t
        do {
            pid = try Spawn.start(
                try ExternalTool.sshd.located(), ["-D", "-e", "-f", folder.appending(path: "sshd_config").path],
                environment: ProcessInfo.processInfo.environment, stdin: nil, stdout: nil, stderr: nil, stderrDescriptor: ends[1])
        } catch {
            close(ends[0]); close(ends[1])
            throw error
        }
        close(ends[1])
        let reader = ends[0]
        var said = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !said.contains("Server listening") {
            let count = read(reader, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                close(reader)
                kill(pid, SIGTERM)
                _ = Spawn.wait(pid)
                if said.contains("Address already in use") { throw PortTaken(description: "sshd found every port it tried taken: \(said)") }
                throw TestSetupError("sshd did not start: \(said)")
            }
            said += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return (port, pid, reader)
    }

    deinit {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
        try? FileManager.default.removeItem(at: folder)
    }

    /// The pinned fingerprint of the host key, as ssh-keygen -l prints it.
    func fingerprint(ofKey name: String = "host") throws -> String {
        let line = try SetupCommand.run(try ExternalTool.sshKeygen.located(), ["-l", "-E", "sha256", "-f", folder.appending(path: "\(name).pub").path])
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }) else {
            throw TestSetupError("ssh-keygen printed no fingerprint: \(line)")
        }
        return String(field)
    }

    func inbox(_ channel: String) -> URL { root.appending(path: "\(channel)/inbox") }
    func outbox(_ channel: String) -> URL { root.appending(path: "\(channel)/outbox") }

    func files(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestSetupError("no socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Runs a helper program for test set-up and returns what it printed; a failure is a set-up error.
enum SetupCommand {
    @discardableResult
    static func run(_ program: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let scratch = try TemporaryFolder(prefix: "disburse-setup")
        let inPath = scratch.path + "/in", outPath = scratch.path + "/out"
        guard FileManager.default.createFile(atPath: inPath, contents: input ?? Data()) else {
            throw TestSetupError("cannot write \(inPath)")
        }
        let status = try Spawn.run(program, arguments, environment: ProcessInfo.processInfo.environment,
                                   stdin: inPath, stdout: outPath, stderr: scratch.path + "/err")
        let text = ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
            + ((try? String(contentsOfFile: scratch.path + "/err", encoding: .utf8)) ?? "")
        guard status == 0 else {
            throw TestSetupError("\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }
}
