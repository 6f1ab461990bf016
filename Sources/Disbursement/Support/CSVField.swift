/// RFC 4180 quoting, and a leading quote for text a spreadsheet would run as a formula.
enum CSVField {
    /// Appends the field to a file being rendered; only a field that needs quoting or
    /// neutralising becomes a new String.
    static func append(_ field: String, neutralize: Bool = true, to out: inout [UInt8]) {
        if neutralize && startsLikeAFormula(field) || needsQuotes(field) {
            out.append(contentsOf: quote(field, neutralize: neutralize).utf8)
        } else {
            out.append(contentsOf: field.utf8)
        }
    }

    /// `neutralize` is for free text (names); identifiers such as account numbers are sent as they are.
    static func quote(_ field: String, neutralize: Bool = true) -> String {
        var value = field
        if neutralize, startsLikeAFormula(value), Int64(value) == nil {
            value = "'" + value
        }
        guard needsQuotes(value) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// = + - @ (and tab or CR) start a formula in a spreadsheet.
    private static func startsLikeAFormula(_ field: String) -> Bool {
        guard let first = field.utf8.first else { return false }
        return [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first)
    }

    private static func needsQuotes(_ field: String) -> Bool {
        field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }
}
