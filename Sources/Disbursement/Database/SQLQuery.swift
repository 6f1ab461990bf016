/// A statement whose interpolated values become bound parameters (`$1`, `$2`, …), as
/// postgres-nio's `PostgresQuery` does: a value written into the text can never be read as
/// SQL. Text that must be SQL (a schema name, a fragment chosen from constants) is spelled
/// `\(unescaped: …)`, so it stands out in review.
public struct SQLQuery: ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: [(any PostgresEncodable)?]

    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [(any PostgresEncodable)?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: (any PostgresEncodable)?) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        public mutating func appendInterpolation(unescaped fragment: String) { sql += fragment }
    }
}

/// Named apart from `query`/`execute`, which take a `String`: Swift would pick the `String`
/// overload for an interpolated literal and paste the values into the text.
extension Connection {
    /// The rows of a statement with bound values.
    public func rows(_ query: SQLQuery) throws(PostgresError) -> [Row] { try self.query(query.sql, query.binds) }

    /// The one row of a statement with bound values.
    public func row(_ query: SQLQuery) throws(PostgresError) -> Row { try queryOne(query.sql, query.binds) }

    /// Runs a statement with bound values; returns the number of rows it touched.
    @discardableResult
    public func run(_ query: SQLQuery) throws(PostgresError) -> Int { try execute(query.sql, query.binds) }
}
