import Foundation

/// Runs the real `disburse` executable, as cron would, and captures what it says.
struct CLI {
    struct Result {
        let status: Int32
        let killedBySignal: Bool
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        get throws {
            let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "disburse")
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw TestSetupError("\(url.path) is missing: run the tests through ./scripts/test, which builds it first.")
            }
            return url
        }
    }

    static func run(_ arguments: [String], environment extra: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DISBURSE_FAULT_INJECTION")
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension TestEnvironment {
    /// The environment the CLI needs to reach this test's database with this test's settings.
    var cliEnvironment: [String: String] {
        [
            "DATABASE_URL": database.conninfo,
            "DISBURSE_CONFIG": Paths.repository.appending(path: "config/disburse.example.toml").path,
            "DISBURSE_OUT": output.path,
        ]
    }

    func cli(_ arguments: String..., fault: String? = nil) throws -> CLI.Result {
        var environment = cliEnvironment
        if let fault { environment["DISBURSE_FAULT_INJECTION"] = fault }
        return try CLI.run(arguments, environment: environment)
    }
}
