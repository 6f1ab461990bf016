import ArgumentParser
import Disbursement
import Foundation

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the disbursement schema (idempotent).")

    @Option(name: .customLong("database-url"), help: "libpq URL or conninfo (default: DATABASE_URL, else the PG* variables).")
    var databaseURL: String?

    func run() throws {
        try runReportingErrors {
            let connection = try Connection(conninfo: databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "")
            let outcome = try Migrator().migrate(connection, arguments: Array(CommandLine.arguments.dropFirst()))
            if outcome.applied.isEmpty {
                print("The database is already at migration \(outcome.currentVersion); nothing to do.")
            } else {
                print("Applied \(outcome.applied.joined(separator: ", ")); the database is at migration \(outcome.currentVersion).")
            }
        }
    }
}
