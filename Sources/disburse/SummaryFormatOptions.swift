import ArgumentParser
import Disbursement

/// `--format` of the commands that print a summary of what they did (run, deliver, collect).
struct SummaryFormatOptions: ParsableArguments {
    @Option(help: "Summary format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        try requireSummaryFormat(format, option: "--format")
    }
}
