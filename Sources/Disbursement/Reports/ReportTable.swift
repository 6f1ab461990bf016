/// A report as its renderers see it: a title, named columns, rows of cells, and notes under
/// the table (control totals and their verdict). Each report builds it from typed rows
/// (`ReportRow`); `render` prints it as a table, CSV or JSON, `html` as a fragment of the
/// finance page.
public struct ReportTable: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Int64)
        case percent(Double?)
    }

    public var title: String
    public var columns: [String]
    public var rows: [[Cell]]
    /// Lines printed under the table (control totals and their verdict).
    public var notes: [String] = []

    public init(title: String, columns: [String], rows: [[Cell]] = [], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    /// A table of typed rows; `columns` differs from the row's only where a report names its
    /// first column after a choice (the funnel's dimension).
    public init<Row: ReportRow>(title: String, rows: [Row], columns: [String] = Row.columns, notes: [String] = []) {
        self.init(title: title, columns: columns, rows: rows.map(\.cells), notes: notes)
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json()
        }
    }
}

extension ReportTable.Cell {
    var isNumeric: Bool {
        if case .text = self { return false }
        return true
    }

    /// As people read it: thousands grouped, percents with one decimal.
    var display: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return number.grouped
        case .percent(let value): return value.map { String(format: "%.1f%%", $0) } ?? "-"
        }
    }

    /// As a spreadsheet reads it: plain digits, percents with two decimals, empty for none.
    var raw: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return String(number)
        case .percent(let value): return value.map { String(format: "%.2f", $0) } ?? ""
        }
    }
}
