extension ReportTable {
    /// Aligned columns for a terminal or a cron mail: numbers right-aligned, thousands grouped.
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
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
