import ArgumentParser
import Disbursement

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Finance reports from the database (NIK and account numbers masked).",
        subcommands: [HoldsReportCommand.self])
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

struct HoldsReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds", abstract: "Held entitlements: count and rupiah per reason; one row each in csv/json.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Holds in force on this business date (default: now).")
    var date: String?

    @Option(help: "table, csv or json.")
    var format: ReportFormat = .table

    func validate() throws {
        if let date, BusinessDate(date) == nil {
            throw ValidationError("--date must be a real calendar day written YYYY-MM-DD.")
        }
    }

    func run() throws {
        try runReportingErrors {
            let connection = try common.connect()
            try Migrator().verify(connection)
            let report = HoldsReport(date: date.flatMap { BusinessDate($0) })
            switch format {
            case .table: print(try report.table(connection))
            case .csv: try report.csv(connection) { print($0, terminator: "") }
            case .json: try report.json(connection) { print($0, terminator: "") }
            }
        }
    }
}
