import Foundation

/// Crash testing. With `DISBURSE_FAULT_INJECTION=<checkpoint>` in the environment the process
/// kills itself with SIGKILL at that checkpoint, exactly as `kill -9` from outside would.
/// With `pause:<checkpoint>` it says so on standard error and waits there until its standard
/// input is closed, so a test can stop the database server or start rival runs at that exact
/// point. Without the variable nothing happens.
enum FaultInjection {
    @Sendable static func checkpoint(_ name: String) {
        guard let target = ProcessInfo.processInfo.environment["DISBURSE_FAULT_INJECTION"] else { return }
        if target == name {
            kill(getpid(), SIGKILL)
        } else if target == "pause:" + name {
            FileHandle.standardError.write(Data("disburse paused at \(name)\n".utf8))
            _ = FileHandle.standardInput.readDataToEndOfFile()
        }
    }
}
