import Foundation

/// A calendar day in Asia/Jakarta, the programme's business calendar.
public struct BusinessDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, PostgresEncodable,
    PostgresDecodable
{
    public let year: Int
    public let month: Int
    public let day: Int

    public static let timeZone = TimeZone(identifier: "Asia/Jakarta") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    /// Parses `YYYY-MM-DD`; nil for anything else, including impossible days like 2020-02-30.
    /// The calendar is the proleptic Gregorian one PostgreSQL's `date` uses (Foundation's switches
    /// to Julian before 1582, and building one costs microseconds a status line).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...9999).contains(year), (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(containing date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    public static var today: BusinessDate { BusinessDate(containing: Date()) }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    public var compact: String { String(format: "%04d%02d%02d", year, month, day) }

    public static func < (lhs: BusinessDate, rhs: BusinessDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var postgresText: String { description }
    public init?(postgresText: String) { self.init(postgresText) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = BusinessDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
