extension ReportTable {
    /// The one CSV dialect of every report: RFC 4180, CRLF, text that starts like a spreadsheet
    /// formula neutralised (`CSVField`); a header line of the column names.
    func csv() -> String {
        Self.csvLine(columns) + rows.map { Self.csvLine($0.map(\.raw)) }.joined()
    }

    /// One CSV line with its CRLF; also used by the reports that stream their rows.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { CSVField.quote($0) }.joined(separator: ",") + "\r\n"
    }
}
