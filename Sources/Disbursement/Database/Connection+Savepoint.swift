extension Connection {
    /// Runs `body` inside a savepoint of the open transaction: released when it returns, rolled
    /// back to when it throws, so the body's work stands or falls alone while the transaction
    /// goes on. The rollback never replaces the error that caused it. `name` is an identifier
    /// written in the code, never a value from outside.
    public func withSavepoint<T>(_ name: StaticString, _ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT \(name)")
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? execute("ROLLBACK TO SAVEPOINT \(name)")
            _ = try? execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
        try execute("RELEASE SAVEPOINT \(name)")
        return value
    }
}
