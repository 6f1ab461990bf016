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

    @Option(help: "Summary format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if let asOf, BusinessDate(asOf) == nil { throw ValidationError("--as-of must be a real calendar day written YYYY-MM-DD.") }
    }

    func run() throws {
        try runReportingErrors {
            let settings = try common.settings()
            let connection = try common.connect()
            let report = try StatusCollection(settings: settings, logger: common.logger("collect")).collect(
                connection, asOf: asOf.flatMap { BusinessDate($0) } ?? .today, arguments: Array(CommandLine.arguments.dropFirst()))
            print(format == .json ? try report.json() : report.table(), terminator: "")
            if !report.hostKeyChanged.isEmpty {
                FileHandle.standardError.write(Data("disburse: a channel presented another host key than the pinned one; nothing was fetched from it. Check the fingerprint with the channel.\n".utf8))
                throw ExitCode(78)
            }
            if !report.unreachable.isEmpty {
                FileHandle.standardError.write(Data("disburse: channels \(report.unreachable.keys.sorted().joined(separator: ", ")) could not be reached; the others were collected. Run disburse collect again later.\n".utf8))
                throw ExitCode(69)
            }
            if !report.refused.isEmpty {
                FileHandle.standardError.write(Data("disburse: some status files were refused and not imported (see above); ask the channel to send them again.\n".utf8))
                throw ExitCode(65)
            }
            if report.exceptionCount > 0 { throw ExitCode(ExitCodes.reconcileExceptions) }
        }
    }
}
