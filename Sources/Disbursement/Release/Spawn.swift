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
    /// With `ownGroup` the child leads a process group of its own, so it and whatever it starts
    /// (sftp's ssh) can be killed together; SIGTERM and SIGINT are back to their defaults in it.
    static func start(_ path: String, _ arguments: [String], environment: [String: String],
                      stdin: String?, stdout: String?, stderr: String?, stderrDescriptor: Int32? = nil,
                      ownGroup: Bool = false) throws -> pid_t {
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
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if ownGroup {
            var defaults = sigset_t()
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGTERM)
            sigaddset(&defaults, SIGINT)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
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

    /// Waits for a child started with `ownGroup`, killing its whole group when it runs longer
    /// than `limit` seconds. The child is reaped only after the timer can no longer fire, so the
    /// group killed is always this child's, never a later process that got its number.
    static func wait(_ pid: pid_t, limit: Int) -> (status: Int32, timedOut: Bool) {
        let watch = Watch()
        ChildGroups.shared.insert(pid)
        let timer = DispatchWorkItem { watch.fire(pid) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(limit), execute: timer)
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        let timedOut = watch.finish()
        timer.cancel()
        ChildGroups.shared.remove(pid)
        return (wait(pid), timedOut)
    }

    static func run(_ path: String, _ arguments: [String], environment: [String: String],
                    stdin: String?, stdout: String?, stderr: String?) throws -> Int32 {
        wait(try start(path, arguments, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr))
    }

    private final class Watch: @unchecked Sendable {
        private let lock = NSLock()
        private var finished = false
        private var fired = false

        func fire(_ pid: pid_t) {
            lock.withLock {
                guard !finished else { return }
                fired = true
                kill(-pid, SIGKILL)
            }
        }

        /// Whether the timer killed the child.
        func finish() -> Bool {
            lock.withLock {
                finished = true
                return fired
            }
        }
    }
}

/// The process groups of the external programs running now, so a signal handler can end them
/// (they do not get the terminal's or a `kill`'s signal meant for disburse).
enum ChildGroups {
    static let shared = LockedSet<pid_t>()
}
