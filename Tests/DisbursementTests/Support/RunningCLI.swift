import Foundation

/// A `disburse` process that is still going: started with `pause:<checkpoint>` fault injection
/// it stops at that checkpoint until `resume()`, so a test can act at that exact moment.
final class RunningCLI {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var stderrSoFar = Data()

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = try CLI.executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "DISBURSE_FAULT_INJECTION")
        merged.merge(environment) { $1 }
        process.environment = merged
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Blocks until the process says it paused; throws if it ended first.
    func waitForPause() throws {
        let marker = Data("disburse paused at ".utf8)
        while stderrSoFar.range(of: marker) == nil {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty {
                throw TestSetupError("the process ended before pausing: \(String(decoding: stderrSoFar, as: UTF8.self))")
            }
            stderrSoFar.append(chunk)
        }
    }

    /// Sends `signal` to the process (SIGTERM as a service manager or `timeout` would).
    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    func resume() {
        try? input.fileHandleForWriting.close()
    }

    /// Lets it go on (`resume`), or, when it was told to end otherwise (a signal), just waits.
    func finish(resuming: Bool = true) -> CLI.Result {
        if resuming { resume() }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        stderrSoFar.append(errors.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return CLI.Result(
            status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: stderrSoFar, as: UTF8.self))
    }
}

extension TestEnvironment {
    func start(_ arguments: String..., pauseAt checkpoint: String? = nil) throws -> RunningCLI {
        var environment = cliEnvironment
        if let checkpoint { environment["DISBURSE_FAULT_INJECTION"] = "pause:" + checkpoint }
        return try RunningCLI(arguments, environment: environment)
    }
}
