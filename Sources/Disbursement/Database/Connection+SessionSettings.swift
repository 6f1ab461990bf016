import CLibPQ
import Foundation

extension Connection {
    /// What every statement of the tool assumes about its session, pinned once per connection
    /// so that a server, database or role with other defaults (`ALTER DATABASE … SET datestyle`)
    /// changes nothing: dates read back as YYYY-MM-DD, text is UTF-8, a timestamp without an
    /// explicit zone is a Jakarta time (business dates are Jakarta days), and no schema of
    /// someone else's can shadow a function, operator or type (pg_catalog first, the session's
    /// own temporary tables after it, nothing else: every table the tool reads is qualified), and no
    /// server timeout cuts a night short.
    static let sessionSettings: [(name: String, value: String)] = [
        ("DateStyle", "ISO, YMD"),
        ("IntervalStyle", "postgres"),
        ("client_encoding", "UTF8"),
        ("TimeZone", "Asia/Jakarta"),
        ("search_path", "pg_catalog, pg_temp"),
        ("extra_float_digits", "1"),
        ("standard_conforming_strings", "on"),
        ("lc_monetary", "C"),
        ("lc_numeric", "C"),
        ("lc_time", "C"),
        ("bytea_output", "hex"),
        ("array_nulls", "on"),
        ("transform_null_equals", "off"),
        ("default_transaction_isolation", "read committed"),
        ("xmloption", "content"),
        // A night holds its transaction while it writes files and computes millions of rows: a
        // database-wide timeout would kill it half-way (exit 69, the run_log row left 'running').
        // The run lock and the operator decide how long a run may take, not a server default.
        ("statement_timeout", "0"),
        ("lock_timeout", "0"),
        ("idle_in_transaction_session_timeout", "0"),
        // The night's temporary tables (a row per participant, 20–70 MB each at 1 M registrants)
        // outgrow the 8 MB default and were re-read through the kernel by every statement;
        // 10–35 % off the statements that build them (bench/README.md). A ceiling, taken only
        // as temporary tables fill, and settable only before a session's first one: so here.
        ("temp_buffers", "256MB"),
    ]

    /// One round trip: `set_config` takes bound values, and the names are constants of this file.
    static func pinSessionSettings(_ handle: OpaquePointer) throws(PostgresError) {
        let calls = sessionSettings.indices.map { "pg_catalog.set_config($\(2 * $0 + 1), $\(2 * $0 + 2), false)" }
        let parameters = sessionSettings.flatMap { [$0.name, $0.value] }
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0) }
        defer { values.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = values.map { $0.map { UnsafePointer($0) } }
        guard let result = PQexecParams(
            handle, "SELECT " + calls.joined(separator: ", "), Int32(pointers.count), nil, pointers, nil, nil, 0)
        else {
            throw PostgresError(kind: .connectionFailed, message: lastError(handle))
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw error(from: result, handle: handle) }
    }

    /// For a session that only shows what it reads (the reports): in a SQL_ASCII database the
    /// registry's bytes were never checked, and the server refuses to send a value that is not
    /// UTF-8 as UTF-8, which would stop the report. The bytes are then taken as they are and
    /// every sequence that is not UTF-8 is shown as U+FFFD, as the batch files show it
    /// (`BatchFiles`). Any other database checked its text on input: nothing changes there.
    public func showTextAsStored() throws(PostgresError) {
        try execute(
            "SELECT set_config('client_encoding', 'SQL_ASCII', false) WHERE current_setting('server_encoding') = 'SQL_ASCII'")
    }
}

extension Connection {
    /// Sets a session setting through a bound parameter, so statements that take no
    /// parameters (COPY) can still be told which rows to use, e.g. via `current_setting('disburse.batch_id')`.
    public func setSessionSetting(_ name: String, _ value: any PostgresEncodable) throws(PostgresError) {
        try execute("SELECT set_config($1, $2, false)", [name, value])
    }
}
