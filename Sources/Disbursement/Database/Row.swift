/// One row of a result, copied out of libpq so that it outlives the `PGresult`.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]

    /// Decodes a column that must not be NULL.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let value = try decodeIfPresent(column, as: type) else {
            throw PostgresError(kind: .decoding, message: "Column \"\(name(column))\" is NULL where \(T.self) was expected.")
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        try decode(try index(of: column), as: type)
    }

    public func decodeIfPresent<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError) -> T? {
        guard values.indices.contains(column) else {
            throw PostgresError(kind: .decoding, message: "The result has no column number \(column).")
        }
        guard let text = values[column] else { return nil }
        // The value itself stays out of the message: it may be a NIK or a name.
        guard let value = T(postgresText: text) else {
            throw PostgresError(kind: .decoding, message: "Column \"\(name(column))\" does not hold a valid \(T.self).")
        }
        return value
    }

    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T? {
        try decodeIfPresent(try index(of: column), as: type)
    }

    private func index(of column: String) throws(PostgresError) -> Int {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresError(kind: .decoding, message: "The result has no column \"\(column)\".")
        }
        return index
    }

    private func name(_ column: Int) -> String {
        columns.indices.contains(column) ? columns[column] : "#\(column)"
    }
}
