import ArgumentParser
import Disbursement

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a batch: nothing of it is released, and its entitlements are paid by a later batch.")

    @OptionGroup var common: CommonOptions

    @OptionGroup var batch: BatchDateArgument

    @Option(help: "The first 12 or more characters of the manifest hash (see `disburse approve DATE`).")
    var confirm: String

    @Option(help: "Why the batch is rejected, for the record.")
    var reason: String

    func run() throws {
        try runReportingErrors {
            try ReleaseCommand.decide(common: common, date: batch.date, verdict: .rejected, confirmation: confirm, reason: reason,
                                      format: .table)
        }
    }
}

/// What approve and reject share: show the batch, or decide it and show the result.
enum ReleaseCommand {
    static func decide(
        common: CommonOptions, date text: String, verdict: BatchRelease.Verdict?, confirmation: String?, reason: String?,
        format: OutputFormat
    ) throws {
        guard let date = BusinessDate(text) else { throw UsageError("DATE must be written YYYY-MM-DD.") }
        let connection = try common.connect()
        let overview: BatchRelease.Overview
        if let verdict, let confirmation {
            overview = try BatchRelease.decide(connection, date: date, verdict: verdict, confirmation: confirmation, reason: reason)
        } else {
            overview = try BatchRelease.overview(connection, date: date)
        }
        print(overview.render(format), terminator: "")
    }
}
