import ArgumentParser
import Disbursement
import Foundation

extension StatusFileFormat: ExpressibleByArgument {}

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Import channel status files (CSV or pain.002) and update payout states.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "Status files, imported in the order given.")
    var files: [String]

    @Option(help: "csv or pain002 (default: detected from each file).")
    var format: StatusFileFormat?

    @Flag(help: "Check and apply in a transaction that is rolled back: nothing changes.")
    var dryRun = false

    @Option(help: "Summary format: table or json.")
    var output: OutputFormat = .table

    @Option(help: "The channel the files came from: lines about another channel's payouts become exceptions, never applied.")
    var channel: String?

    @Option(name: .customLong("as-of"), help: "Day from which unanswered payouts are counted (default: today in Asia/Jakarta).")
    var asOf: String?

    func validate() throws {
        try requireSummaryFormat(output, option: "--output")
        if files.isEmpty { throw ValidationError("Name at least one status file.") }
        if let asOf, BusinessDate(asOf) == nil { throw ValidationError("--as-of must be a real calendar day written YYYY-MM-DD.") }
    }

    func run() throws {
        try runReportingErrors {
            let settings = try common.settings()
            let connection = try common.connect()
            let outcome = try Reconciler(settings: settings, logger: common.logger("reconcile")).reconcile(
                connection, files: files, format: format, dryRun: dryRun, asOf: asOf.flatMap { BusinessDate($0) } ?? .today,
                channel: channel, arguments: Array(CommandLine.arguments.dropFirst()))
            print(Reconciler.render(outcome, format: output, dryRun: dryRun), terminator: "")
            // Every refused file says why, one sentence each; the good files were imported.
            if !outcome.refused.isEmpty {
                for refused in outcome.refused {
                    FileHandle.standardError.write(Data("disburse: \(refused.reason)\n".utf8))
                }
            }
            if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus) }
        }
    }
}
