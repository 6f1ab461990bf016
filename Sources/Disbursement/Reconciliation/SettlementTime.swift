/// The instant a status line says its payment was settled, as microseconds since 1970-01-01 UTC,
/// so that several lines for one payout in one file apply in `settled_at` order (SPEC §7).
///
/// ISO 8601 as channels write it: a date, or a date and a time (`T` or a space between) with
/// optional seconds, fraction and zone (`Z`, `±HH`, `±HH:MM`, `±HHMM`, after an optional blank),
/// `24:00` being the end of the day. A date alone is the start of that day; a time without a
/// zone is Jakarta's (+07:00), like every business date. Anything else, including an impossible
/// date or time or trailing text, is unreadable (nil): the reconciler refuses the file, naming
/// the line, rather than guess where the line belongs in the order. Parsed here rather than cast in SQL, where one
/// impossible value would abort the whole import.
enum SettlementTime {
    static func microseconds(_ text: String?) -> Int64? {
        guard let text else { return nil }
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take(0x2D), let month = scanner.digits(2), scanner.take(0x2D),
              let day = scanner.digits(2), (1...12).contains(month), (1...daysIn(month, year: year)).contains(day)
        else { return nil }
        var seconds = Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
        var micros: Int64 = 0
        var offsetSeconds: Int64 = 7 * 3600
        if !scanner.atEnd {
            guard scanner.take(0x54) || scanner.take(0x74) || scanner.take(0x20), let hour = scanner.digits(2),
                  scanner.take(0x3A), let minute = scanner.digits(2), hour < 24 || (hour == 24 && minute == 0), minute < 60
            else { return nil }
            seconds += Int64(hour * 3600 + minute * 60)
            if scanner.take(0x3A) {
                guard let second = scanner.digits(2), second <= 60, hour < 24 || second == 0 else { return nil }
                seconds += Int64(second)
                if scanner.take(0x2E) || scanner.take(0x2C) {
                    var places = 0
                    while let digit = scanner.digit() {
                        if places < 6 { micros = micros * 10 + Int64(digit) }
                        places += 1
                    }
                    guard places > 0 else { return nil }
                    var scale = places
                    while scale < 6 { micros *= 10; scale += 1 }
                    guard hour < 24 || micros == 0 else { return nil }
                }
            }
            // Some systems write a blank between the time and its zone (`09:00:00 +0700`).
            if scanner.remaining > 1 { _ = scanner.take(0x20) }
            if scanner.take(0x5A) || scanner.take(0x7A) {
                offsetSeconds = 0
            } else if let sign = scanner.sign() {
                guard let hours = scanner.digits(2), hours < 24 else { return nil }
                var minutes = 0
                if !scanner.atEnd {
                    _ = scanner.take(0x3A)
                    guard let value = scanner.digits(2), value < 60 else { return nil }
                    minutes = value
                }
                offsetSeconds = sign * Int64(hours * 3600 + minutes * 60)
            }
            guard scanner.atEnd else { return nil }
        }
        return (seconds - offsetSeconds) * 1_000_000 + micros
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }
        var remaining: Int { bytes.count - index }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
            index += 1
            return Int(bytes[index - 1] - 0x30)
        }

        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        mutating func sign() -> Int64? {
            if take(0x2B) { return 1 }
            if take(0x2D) { return -1 }
            return nil
        }
    }

    static func daysIn(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
