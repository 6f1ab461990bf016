import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn and waitpid, without Foundation's Process: its exit monitoring can miss a child
/// that ends while other threads spawn (seen as a hang in parallel tests), and a program's
/// descriptors here are files, so nothing needs a run loop.
enum Spawn {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `path` with standard input, output and error from the given files (nil: /dev/null).
    static func start(_ path: String, _ arguments: [String], environment: [String: String],
                      stdin: String?, stdout: String?, stderr: String?, stderrDescriptor: Int32? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let stderrDescriptor {
            posix_spawn_file_actions_adddup2(&actions, stderrDescriptor, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    /// The exit status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    static func run(_ path: String, _ arguments: [String], environment: [String: String],
                    stdin: String?, stdout: String?, stderr: String?) throws -> Int32 {
        wait(try start(path, arguments, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr))
    }
}
