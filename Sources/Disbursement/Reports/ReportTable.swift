import Foundation

/// A small, already-aggregated report: a title, named columns and rows of text or numbers.
/// Rendered as an aligned table for people, RFC 4180 CSV, or JSON for machines.
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

    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json()
        }
    }

    func table() -> String {
        let texts = rows.map { $0.map(\.display) }
        var widths = columns.map(\.count)
        for row in texts {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], numeric: [Bool]) -> String {
            cells.enumerated().map { index, cell in
                numeric[index] ? cell.leftPadded(widths[index]) : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let numeric = columns.indices.map { index in rows.first.map { $0[index].isNumeric } ?? false }
        var lines = [title, "", line(columns, numeric: numeric)]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += texts.map { line($0, numeric: numeric) }
        if !notes.isEmpty { lines += [""] + notes }
        return lines.joined(separator: "\n") + "\n"
    }

    func csv() -> String {
        ([columns] + rows.map { $0.map(\.raw) }).map { $0.map { CSVField.quote($0) }.joined(separator: ",") }
            .joined(separator: "\r\n") + "\r\n"
    }

    func json() -> String {
        let objects = rows.map { row -> [String: JSONValue] in
            var object: [String: JSONValue] = [:]
            for (index, column) in columns.enumerated() where index < row.count {
                switch row[index] {
                case .text(let text): object[column] = .string(text)
                case .number(let number): object[column] = .number(number)
                case .percent(let value): object[column] = value.map { .double($0) } ?? .null
                }
            }
            return object
        }
        return ((try? JSONText.encode(objects, pretty: true)) ?? "[]") + "\n"
    }
}

public enum ReportFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

extension ReportTable.Cell {
    var isNumeric: Bool {
        if case .text = self { return false }
        return true
    }

    var display: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return number.grouped
        case .percent(let value): return value.map { String(format: "%.1f%%", $0) } ?? "-"
        }
    }

    var raw: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return String(number)
        case .percent(let value): return value.map { String(format: "%.2f", $0) } ?? ""
        }
    }
}

enum JSONValue: Encodable {
    case string(String), number(Int64), double(Double), null

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .double(let value): try container.encode((value * 100).rounded() / 100)
        case .null: try container.encodeNil()
        }
    }
}
