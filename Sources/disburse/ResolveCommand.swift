import ArgumentParser
import Disbursement

extension PayoutStatus: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }

    /// What a refused `--status` lists: only the statuses finance may settle a payout with.
    public static var allValueStrings: [String] { Resolver.allowed.map(\.rawValue) }
}

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settle a status conflict or double payment: the payout's true final status, with a reason (recorded with who and when).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The payout's end_to_end_id, as listed by report reconciliation.")
    var endToEndId: String

    @Option(help: "The payout's true final status: PAID, FAILED or RETURNED.")
    var status: PayoutStatus

    @Option(help: "Why (finance's case note, up to 1,000 characters).")
    var reason: String

    @Option(help: "Output format: table or json.")
    var output: OutputFormat = .table

    func validate() throws {
        try requireSummaryFormat(output, option: "--output")
    }

    func run() throws {
        try runReportingErrors {
            let outcome = try Resolver().resolve(
                try common.connect(), endToEndId: endToEndId, status: status, reason: reason,
                arguments: Array(CommandLine.arguments.dropFirst()))
            print(Resolver.render(outcome, json: output == .json), terminator: "")
        }
    }
}
