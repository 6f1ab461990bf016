import ArgumentParser
import Disbursement

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Show a batch's totals and manifest hash; with --confirm, approve it for release (another login than the night's).")

    @OptionGroup var common: CommonOptions

    @OptionGroup var batch: BatchDateArgument

    @Option(help: "The first 12 or more characters of the manifest hash you were shown: approves the batch.")
    var confirm: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        try runReportingErrors {
            try ReleaseCommand.decide(common: common, date: batch.date, verdict: confirm.map { _ in .approved }, confirmation: confirm,
                                      reason: nil, format: format)
        }
    }
}
