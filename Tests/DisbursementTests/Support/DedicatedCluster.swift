import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of one test's own, for tests that stop the server: the shared cluster
/// of `scripts/test` serves every other test at the same time. Like `scripts/lib/pg.sh` it
/// listens on a Unix socket only and runs as `postgres` when the tests run as root.
final class DedicatedCluster {
    let directory: String
    private let bin: String

    var serverConninfo: String { "host=\(directory) user=postgres dbname=postgres" }

    init() throws {
        bin = try Self.findBin()
        // Short and under /tmp: the socket path must fit in 107 bytes.
        directory = "/tmp/disburse-cluster-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        chmod(directory, 0o755)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        }
        try asOwner(bin + "/initdb", "-D", directory + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        try start()
    }

    func start() throws {
        try asOwner(
            bin + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
            "-o", "-c listen_addresses='' -k \(directory) -c fsync=off -c shared_buffers=32MB", "start")
    }

    /// Stops the server the hard way, as a crash or a power cut would.
    func crash() throws {
        try asOwner(bin + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop")
    }

    deinit {
        try? asOwner(bin + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a server tool and waits for it. Not through Foundation's `Process`: the server
    /// that `pg_ctl start` leaves behind would inherit the descriptors by which `Process`
    /// (and the pipes of other tests running in parallel) learn that a child is done, and
    /// they would wait for the server to end. Here the child gets only 0, 1 and 2.
    private func asOwner(_ command: String...) throws {
        let argv = (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + command
        let log = directory + "/tool.log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw TestSetupError("this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw TestSetupError("cannot start \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestSetupError("\(command[0]) failed: \(said)")
        }
    }

    private static func findBin() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/initdb") {
            return String(folder)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedDescending }) {
            let folder = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: folder + "/initdb") { return folder }
        }
        throw TestSetupError("PostgreSQL is not installed: no initdb on PATH or in /usr/lib/postgresql/*/bin")
    }
}
