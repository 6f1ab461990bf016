extension HoldReason: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { rawValue }
    public init?(postgresText: String) { self.init(rawValue: postgresText) }
}
