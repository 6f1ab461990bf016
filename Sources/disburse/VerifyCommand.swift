import ArgumentParser
import Disbursement
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash a batch folder's files, walk the manifest chain and compare each manifest with the database.")

    @Option(name: .customLong("database-url"), help: "libpq URL or conninfo (default: DATABASE_URL, else the PG* variables).")
    var databaseURL: String?

    @Argument(help: "The output folder (OUT) or one batch folder (OUT/YYYY-MM-DD).")
    var directory: String

    /// The variables through which libpq would find a database.
    static let databaseVariables = ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE"]

    func run() throws {
        try runReportingErrors {
            // Files can be checked on a machine with no database configured at all; but a
            // database that is configured and cannot be reached fails the check (exit 69): a
            // forged batch must not pass because the database was made unreachable.
            let environment = ProcessInfo.processInfo.environment
            let configured = !(databaseURL ?? "").isEmpty || Self.databaseVariables.contains { !(environment[$0] ?? "").isEmpty }
            var recorded: [String: String]?
            if configured {
                let named = databaseURL.flatMap { $0.isEmpty ? nil : $0 }
                let options = try CommonOptions.parse(named.map { ["--database-url", $0] } ?? [])
                recorded = try BatchFiles.recordedManifests(try options.connect())
            }
            print(try BatchFiles.verify(directory: directory, recorded: recorded))
        }
    }
}
