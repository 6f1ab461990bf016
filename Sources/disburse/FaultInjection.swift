import Foundation

/// Crash testing: with `DISBURSE_FAULT_INJECTION=<checkpoint>` in the environment the process
/// kills itself with SIGKILL at that checkpoint, exactly as `kill -9` from outside would.
/// Without the variable nothing happens.
enum FaultInjection {
    @Sendable static func checkpoint(_ name: String) {
        guard let target = ProcessInfo.processInfo.environment["DISBURSE_FAULT_INJECTION"], target == name else { return }
        kill(getpid(), SIGKILL)
    }
}
