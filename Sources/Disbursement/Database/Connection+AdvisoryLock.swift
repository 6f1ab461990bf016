extension Connection {
    /// Takes a session-level advisory lock without waiting. It is held until `advisoryUnlock` or
    /// until the session ends, so a killed process can never leave it behind.
    public func tryAdvisoryLock(_ key: Int64) throws(PostgresError) -> Bool {
        try queryOne("SELECT pg_try_advisory_lock($1)", [key]).decode(0, as: Bool.self)
    }

    public func advisoryUnlock(_ key: Int64) throws(PostgresError) {
        try execute("SELECT pg_advisory_unlock($1)", [key])
    }
}
