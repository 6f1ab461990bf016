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
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...9999).contains(year)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard calendar.date(from: components).map({ calendar.component(.day, from: $0) == day }) == true,
            (1...12).contains(month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
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
