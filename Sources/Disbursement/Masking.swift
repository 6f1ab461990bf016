/// The one place that masks identifiers for reports and messages: only the last four
/// characters of a NIK or an account number are ever shown.
public enum Masking {
    public static func lastFour(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "" }
        let tail = value.suffix(4)
        return String(repeating: "*", count: max(0, value.count - tail.count)) + tail
    }

    /// "Siti Nur'aini" → "S*** N*******": enough for a clerk to recognise, not to identify.
    public static func name(_ value: String?) -> String {
        guard let value else { return "" }
        return value.split(separator: " ").map { word in
            guard let first = word.first else { return "" }
            return String(first) + String(repeating: "*", count: word.count - 1)
        }.joined(separator: " ")
    }
}
