import CLibPQ

extension Connection {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// The rollback never replaces the error that caused it. With `rollbackOnly` (a dry run)
    /// the same statements run and are rolled back, and the value is returned.
    public func withTransaction<T>(rollbackOnly: Bool = false, _ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
        if rollbackOnly {
            try execute("ROLLBACK")
            return value
        }
        // A transaction in which a statement failed (and the error was swallowed) answers COMMIT
        // with ROLLBACK, without an error: that must not pass as success.
        let result = try executeRaw("COMMIT", [])
        defer { PQclear(result) }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        guard tag == "COMMIT" else {
            throw PostgresError(kind: .server, message: "The transaction was rolled back by the server instead of committed.")
        }
        return value
    }
}
