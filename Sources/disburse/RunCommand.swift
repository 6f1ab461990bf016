import ArgumentParser
import Disbursement
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "The nightly job: issue VAs, compute what is due, hold what cannot be paid, write the batch.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Business date YYYY-MM-DD (default: today in Asia/Jakarta).")
    var date: String?

    @Flag(help: "Compute exactly what the real run would, and change nothing (the run log aside).")
    var dryRun = false

    @Flag(help: "Decide every participant, not only those whose outcome can have changed since the last batch (the same batch either way; slower).")
    var full = false

    @Option(help: "Output folder (default: DISBURSE_OUT, else output_dir in the settings).")
    var out: String?

    @OptionGroup var output: SummaryFormatOptions

    func validate() throws {
        if let date, BusinessDate(date) == nil {
            throw ValidationError("--date must be a real calendar day written YYYY-MM-DD, like 2020-06-01.")
        }
    }

    func run() throws {
        try runReportingErrors {
            let businessDate = date.flatMap { BusinessDate($0) } ?? .today
            guard businessDate <= .today else {
                throw UsageError("--date \(businessDate) is in the future (today in Asia/Jakarta is \(BusinessDate.today)); a batch can only be made for today or an earlier day.")
            }
            var settings = try common.settings()
            if let out { settings.outputDirectory = out }
            let key = try VAKey.load(path: settings.vaKeyFile, demo: settings.demo)
            let logger = common.logger("run")
            let connection = try common.connect()
            let report = try NightlyRun(settings: settings, key: key, logger: logger, checkpoint: FaultInjection.checkpoint).execute(
                connection,
                options: .init(businessDate: businessDate, dryRun: dryRun, full: full, arguments: Array(CommandLine.arguments.dropFirst())))
            if output.format == .json {
                print(try report.summary.json())
            } else {
                if report.dryRun { print("DRY RUN: nothing was written.\n") }
                if report.alreadyRecorded { print("The batch for \(businessDate) was already recorded; nothing new was created.\n") }
                print(report.summary.table())
                if !report.filesWritten.isEmpty {
                    print("\nFiles written to \(settings.outputDirectory): \(report.filesWritten.count)")
                }
            }
        }
    }
}
