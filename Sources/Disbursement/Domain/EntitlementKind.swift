/// The three things a participant is owed (SPEC §3). The raw values are stored in
/// `payouts.kind`, `holds.kind` and the reports; the letter is the one in the end-to-end id.
public enum EntitlementKind: String, CaseIterable, Codable, Sendable, PostgresEncodable, PostgresDecodable {
    case training = "TRAINING"
    case incentive = "INCENTIVE"
    case survey = "SURVEY"

    /// `T`, `I` or `S`: SQL writes it as `left(kind, 1)` (migration 0002's check).
    public var letter: UInt8 { rawValue.utf8.first ?? 0 }

    public init?(letter: UInt8) {
        guard let kind = Self.allCases.first(where: { $0.letter == letter }) else { return nil }
        self = kind
    }

    public var postgresText: String { rawValue }
    public init?(postgresText: String) { self.init(rawValue: postgresText) }
}
