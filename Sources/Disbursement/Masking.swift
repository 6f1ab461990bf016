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

    /// Any run of 8 or more digits in text echoed from outside (a status file's field, a
    /// registry value in an error) keeps only its last 4: a NIK, an account or phone number
    /// never reaches stderr or the run log whole. Shorter numbers (line numbers, amounts
    /// below 10^8, dates) stay readable.
    public static func digitRuns(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var run = ""
        func flush() {
            result += run.count >= 8 ? lastFour(run) : run
            run = ""
        }
        for character in text {
            if character.isASCII, character.isNumber {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
