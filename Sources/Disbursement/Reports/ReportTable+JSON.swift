extension ReportTable {
    /// An array of objects keyed by column, sorted keys, indented (`JSONText`): for reports
    /// small enough to hold (aggregates, one row per file or group).
    func json() -> String {
        let objects = rows.map { row -> [String: JSONValue] in
            var object: [String: JSONValue] = [:]
            for (index, column) in columns.enumerated() where index < row.count {
                object[column] = JSONValue(row[index])
            }
            return object
        }
        return ((try? JSONText.encode(objects, pretty: true)) ?? "[]") + "\n"
    }

    /// A report with a row per entitlement is streamed: `[`, then one compact object per line
    /// in column order (`{"a":1,"b":"x"}`, the form PostgreSQL's row_to_json gives, which
    /// these reports printed before), then `]`. `first` says whether it opens the array.
    static func jsonLine(_ columns: [String], _ cells: [Cell], first: Bool) -> String {
        let members = zip(columns, cells).map { column, cell in
            "\"\(jsonEscaped(column))\":" + {
                switch cell {
                case .text(let text): return "\"\(jsonEscaped(text))\""
                case .number(let number): return String(number)
                case .percent(let value): return value.map { String((($0 * 100).rounded() / 100)) } ?? "null"
                }
            }()
        }
        return (first ? "\n  " : ",\n  ") + "{" + members.joined(separator: ",") + "}"
    }

    /// The end of a streamed array: `]` on its own line, or `[]` when no row was written.
    static func jsonEnd(wroteRows: Bool) -> String { wroteRows ? "\n]\n" : "]\n" }

    /// JSON string escaping as PostgreSQL writes it (`escape_json`): quote, backslash, the
    /// five short control escapes, other control characters as \u00XX; everything else as is.
    static func jsonEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A cell as JSON: numbers as numbers, percents to two decimals, none as null.
enum JSONValue: Encodable {
    case string(String), number(Int64), double(Double), null

    init(_ cell: ReportTable.Cell) {
        switch cell {
        case .text(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .percent(let value): self = value.map { .double($0) } ?? .null
        }
    }

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
