import ArgumentParser
import Disbursement

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash a batch folder's files, walk the manifest chain and compare each manifest with the database.")

    @Option(name: .customLong("database-url"), help: "libpq URL or conninfo (default: DATABASE_URL, else the PG* variables).")
    var databaseURL: String?

    @Argument(help: "The output folder (OUT) or one batch folder (OUT/YYYY-MM-DD).")
    var directory: String

    func run() throws {
        try runReportingErrors {
            // The database is optional here: files can be checked on a machine that cannot reach it.
            let options = try CommonOptions.parse(databaseURL.map { ["--database-url", $0] } ?? [])
            let recorded = try (try? options.connect()).flatMap { try BatchFiles.recordedManifests($0) }
            print(try BatchFiles.verify(directory: directory, recorded: recorded))
        }
    }
}
