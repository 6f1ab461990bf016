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

    @Option(help: "Summary format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if let date, BusinessDate(date) == nil { throw ValidationError("--date must be a real calendar day written YYYY-MM-DD.") }
    }

    func run() throws {
        try runReportingErrors {
            let settings = try common.settings()
            let connection = try common.connect()
            let report = try Delivery(settings: settings, logger: common.logger("deliver"), checkpoint: FaultInjection.checkpoint)
                .deliver(connection, date: date.flatMap { BusinessDate($0) }, arguments: Array(CommandLine.arguments.dropFirst()))
            print(format == .json ? try report.json() : report.table(), terminator: "")
            if !report.hostKeyChanged.isEmpty {
                FileHandle.standardError.write(Data("disburse: a channel presented another host key than the pinned one; nothing was sent to it. Check the fingerprint with the channel before changing host_key.\n".utf8))
                throw ExitCode(78)
            }
            if !report.unreachable.isEmpty {
                FileHandle.standardError.write(Data("disburse: channels \(report.unreachable.keys.sorted().joined(separator: ", ")) could not be reached; the others were delivered. Run disburse deliver again later.\n".utf8))
                throw ExitCode(69)
            }
            if !report.refused.isEmpty {
                FileHandle.standardError.write(Data("disburse: some files were not sent (see above); the others were delivered.\n".utf8))
                throw ExitCode(65)
            }
        }
    }
}
