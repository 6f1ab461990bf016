import ArgumentParser
import Disbursement

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Finance reports from the database (NIK and account numbers masked).",
        subcommands: [SummaryReportCommand.self, HoldsReportCommand.self, FunnelReportCommand.self,
                      ReconciliationReportCommand.self, HTMLReportCommand.self])
}

extension FunnelReport.Dimension: ExpressibleByArgument {}
extension SummaryReport.Dimension: ExpressibleByArgument {}

/// The options every report shares.
struct ReportOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions

    @Option(help: "One business date YYYY-MM-DD.")
    var date: String?

    @Option(help: "First business date of a range.")
    var from: String?

    @Option(help: "Last business date of a range.")
    var to: String?

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        for (name, value) in [("--date", date), ("--from", from), ("--to", to)] {
            if let value, BusinessDate(value) == nil {
                throw ValidationError("\(name) must be a real calendar day written YYYY-MM-DD.")
            }
        }
        if date != nil && (from != nil || to != nil) {
            throw ValidationError("Give either --date or --from/--to, not both.")
        }
    }

    var range: (BusinessDate?, BusinessDate?) {
        if let date, let day = BusinessDate(date) { return (day, day) }
        return (from.flatMap { BusinessDate($0) }, to.flatMap { BusinessDate($0) })
    }

    func connect() throws -> Connection {
        let connection = try common.connect()
        try Migrator().verify(connection, throughReportingViews: true)
        try connection.showTextAsStored()
        return connection
    }
}

struct SummaryReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Per date, channel and kind: issued, paid, failed, returned, pending, with the control total.")

    @OptionGroup var options: ReportOptions

    @Flag(help: ArgumentHelp(
        "Recount the totals from every payout first and say whether the kept ones had drifted.",
        discussion: "The report reads totals kept as payouts are written; a recount reads the whole payouts table (a weekly check, or after anyone changed payouts by hand)."))
    var recount = false

    @Option(help: "channel (issued and what became of it, with the control total) or decree (the proof that nothing vanished).")
    var by: SummaryReport.Dimension = .channel

    func run() throws {
        try runReportingErrors {
            let (from, to) = options.range
            let report = SummaryReport(from: from, to: to, recount: recount)
            let connection = try options.connect()
            let table = by == .decree ? try report.byDecree(connection) : try report.build(connection)
            print(table.render(options.format), terminator: "")
        }
    }
}

struct HoldsReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds", abstract: "Held entitlements: count and rupiah per reason; one row each in csv/json.")

    @OptionGroup var options: ReportOptions

    func run() throws {
        try runReportingErrors {
            let connection = try options.connect()
            let report = HoldsReport(date: options.range.1)
            switch options.format {
            case .table: print(try report.table(connection), terminator: "")
            case .csv: try report.csv(connection) { print($0, terminator: "") }
            case .json: try report.json(connection) { print($0, terminator: "") }
            }
        }
    }
}

struct FunnelReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel", abstract: "Registered → verified → approved → VA → trained → paid, per wave or province.")

    @OptionGroup var options: ReportOptions

    @Option(help: "Group by wave or province.")
    var by: FunnelReport.Dimension = .wave

    @Flag(help: ArgumentHelp(
        "Count again now instead of showing the counts taken after the last night or reconciliation.",
        discussion: "Counting reads the whole registry (about a minute at national scale); cron runs it after the night."))
    var refresh = false

    func run() throws {
        try runReportingErrors {
            print(try FunnelReport(by: by, refresh: refresh).build(try options.connect()).render(options.format), terminator: "")
        }
    }
}

struct ReconciliationReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconciliation",
        abstract: "Per imported status file: lines, matched, exceptions by kind, rupiah in each; then open conflicts and double payments.")

    @OptionGroup var options: ReportOptions

    @Flag(help: "Only the open status conflicts and double payments, one row per payout (the table format shows both).")
    var open = false

    func run() throws {
        try runReportingErrors {
            let connection = try options.connect()
            let report = ReconciliationReport()
            if open {
                print(try report.open(connection).render(options.format), terminator: "")
                return
            }
            print(try report.build(connection).render(options.format), terminator: "")
            if options.format == .table { print("\n" + (try report.open(connection).render(.table)), terminator: "") }
        }
    }
}
