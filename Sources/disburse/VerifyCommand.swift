import ArgumentParser
import Disbursement

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-hash a batch folder's files and walk the manifest chain.")

    @Argument(help: "The output folder (OUT) or one batch folder (OUT/YYYY-MM-DD).")
    var directory: String

    func run() throws {
        try runReportingErrors {
            print(try BatchFiles.verify(directory: directory))
        }
    }
}
