import ArgumentParser
import Disbursement
import Foundation

struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send every file of every released batch, encrypted and signed, to its channel's SFTP inbox, once.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Only the batch of this business date, YYYY-MM-DD (default: every released batch not yet delivered).")
    var date: String?

    @Option(help: "Once per channel: the first business date, YYYY-MM-DD, whose batch goes over SFTP; earlier ones were carried by hand and are never sent.")
    var from: String?

    @OptionGroup var output: SummaryFormatOptions

    func validate() throws {
        if let date, BusinessDate(date) == nil { throw ValidationError("--date must be a real calendar day written YYYY-MM-DD.") }
        if let from, BusinessDate(from) == nil { throw ValidationError("--from must be a real calendar day written YYYY-MM-DD.") }
    }

    func run() throws {
        SignalCleanup.install()
        try runReportingErrors {
            let settings = try common.settings()
            let connection = try common.connect()
            let report = try Delivery(settings: settings, logger: common.logger("deliver"), checkpoint: FaultInjection.checkpoint)
                .deliver(
                    connection, date: date.flatMap { BusinessDate($0) }, from: from.flatMap { BusinessDate($0) }, arguments: Array(CommandLine.arguments.dropFirst()))
            try finish(report, format: output.format)
        }
    }
}
