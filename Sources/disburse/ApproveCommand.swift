import ArgumentParser
import Disbursement

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Show a batch's totals and manifest hash; with --confirm, approve it for release (another login than the night's).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The batch's business date, YYYY-MM-DD.")
    var date: String

    @Option(help: "The first 12 or more characters of the manifest hash you were shown: approves the batch.")
    var confirm: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if BusinessDate(date) == nil { throw ValidationError("DATE must be a real calendar day written YYYY-MM-DD, like 2020-06-01.") }
    }

    func run() throws {
        try runReportingErrors {
            try ReleaseCommand.decide(common: common, date: date, verdict: confirm.map { _ in .approved }, confirmation: confirm,
                                      reason: nil, format: format)
        }
    }
}
