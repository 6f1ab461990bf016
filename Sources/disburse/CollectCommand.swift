import ArgumentParser
import Disbursement
import Foundation

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Fetch new status files from each channel's SFTP outbox, check their signature, decrypt, keep and reconcile them.")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("as-of"), help: "Day from which unanswered payouts are counted (default: today in Asia/Jakarta).")
    var asOf: String?

    @OptionGroup var output: SummaryFormatOptions

    func validate() throws {
        if let asOf, BusinessDate(asOf) == nil { throw ValidationError("--as-of must be a real calendar day written YYYY-MM-DD.") }
    }

    func run() throws {
        SignalCleanup.install()
        try runReportingErrors {
            let settings = try common.settings()
            let connection = try common.connect()
            let report = try StatusCollection(settings: settings, logger: common.logger("collect")).collect(
                connection, asOf: asOf.flatMap { BusinessDate($0) } ?? .today, arguments: Array(CommandLine.arguments.dropFirst()))
            try finish(report, format: output.format)
        }
    }
}
