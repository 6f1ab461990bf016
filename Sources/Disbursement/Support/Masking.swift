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
    /// never reaches stderr or the run log whole. A run may be written in groups joined by one
    /// space, dash or dot, after an optional `+` (`+62 812-0000-0110`, `3201 0000 0000 0110`).
    /// Shorter numbers (line numbers, amounts below 10^8) and dates or times written as a
    /// 4-digit group followed by 2-digit ones (`2026-11-25`) stay readable.
    public static func digitRuns(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var index = 0
        while index < characters.count {
            guard let end = runEnd(characters, from: index) else {
                result.append(characters[index])
                index += 1
                continue
            }
            let run = String(characters[index..<end])
            result += shouldMask(run) ? lastFour(run) : run
            index = end
        }
        return result
    }

    /// Any script's decimal digits count: a NIK typed in full-width digits (３２０１…) is a NIK.
    private static func isDigit(_ character: Character) -> Bool { character.isWholeNumber }

    /// The end of the number starting at `start`, or nil when none starts there.
    private static func runEnd(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        if characters[index] == "+" { index += 1 }
        guard index < characters.count, isDigit(characters[index]) else { return nil }
        while index < characters.count {
            if isDigit(characters[index]) {
                index += 1
            } else if [" ", "-", "."].contains(characters[index]), index + 1 < characters.count,
                isDigit(characters[index + 1]) {
                index += 1
            } else {
                break
            }
        }
        return index
    }

    private static func shouldMask(_ run: String) -> Bool {
        let groups = run.split(whereSeparator: { !isDigit($0) }).map(\.count)
        let digits = groups.reduce(0, +)
        guard digits >= 8 else { return false }
        let dateShaped = !run.hasPrefix("+") && groups.count > 1 && groups[0] == 4
            && groups.dropFirst().allSatisfy { $0 == 2 } && digits <= 14
        return !dateShaped
    }
}
