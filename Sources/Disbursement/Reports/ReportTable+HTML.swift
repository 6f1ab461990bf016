extension ReportTable {
    /// The table as a fragment of the finance page: its title, the rows (numbers right-aligned,
    /// as people read them), and its notes. Every text is escaped.
    func html() -> String {
        let escape = { (text: String) in XMLText.escape(text) }
        var html = "<h2>\(escape(title))</h2><table><thead><tr>"
        html += columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.map { cell in
                if case .text(let text) = cell { return "<td>\(escape(text))</td>" }
                return "<td class=\"n\">\(escape(cell.display))</td>"
            }.joined() + "</tr>"
        }
        html += "</tbody></table>"
        html += notes.map { "<p class=\"note\">\(escape($0))</p>" }.joined()
        return html
    }
}
