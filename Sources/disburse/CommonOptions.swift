import ArgumentParser
import Disbursement
import Foundation
import Logging

/// What every command that talks to the database accepts.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq URL or conninfo (default: DATABASE_URL, else the PG* variables).")
    var databaseURL: String?

    @Option(help: "Settings file (default: DISBURSE_CONFIG).")
    var config: String?

    @Flag(help: "Log progress even when not on a terminal.")
    var verbose = false

    func connect() throws -> Connection {
        let conninfo = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        let connection = try Connection(conninfo: conninfo)
        // Server notices (e.g. ANALYZE skipping a table) go to the log, never raw to stderr.
        let log = logger("database")
        connection.noticeHandler = { log.info("PostgreSQL says: \(Masking.digitRuns($0))") }
        return connection
    }

    func settings() throws -> Settings {
        try Settings.load(path: config)
    }

    func logger(_ label: String) -> Logger {
        let interactive = isatty(STDERR_FILENO) == 1
        var logger = Logger(label: "disburse.\(label)") { StreamLogHandler.standardError(label: $0) }
        // Under cron only warnings and errors reach the mail; on a terminal, progress too.
        logger.logLevel = verbose || interactive ? .info : .warning
        return logger
    }
}

/// Runs a command body and turns what it throws into one sentence and the agreed exit code.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let failure = JobFailure(error)
        FileHandle.standardError.write(Data("disburse: \(failure.sentence)\n".utf8))
        throw ExitCode(failure.status)
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// A job command prints a summary, as a table or JSON; CSV is for the reports' rows.
func requireSummaryFormat(_ format: OutputFormat, option: String) throws {
    guard OutputFormat.summaryFormats.contains(format) else {
        throw ValidationError("\(option) must be table or json; csv is for reports (disburse report …).")
    }
}
