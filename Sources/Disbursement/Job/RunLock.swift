/// One job at a time: every job (`Job.run`: run, reconcile, resolve, deliver, collect) takes this
/// session-level advisory lock. The
/// server drops it when the session ends, so a killed process never leaves it behind.
public enum RunLock {
    static let key: Int64 = 0x6469_7362_7572_7365  // "disburse"

    public struct Busy: OperatorError, Sendable {
        public let holder: String
        public var category: FailureCategory { .busy }
        public var description: String {
            "Another disburse job holds the lock (\(holder)); this one did nothing. Retry after it finishes."
        }
    }

    /// Takes the lock or throws `Busy` at once, naming the holder from the run log. The lock is
    /// per database, like the run log: a holder in another database of the cluster (whose run id
    /// means nothing here) is never the one named.
    public static func acquire(_ connection: Connection) throws {
        if try connection.tryAdvisoryLock(key) { return }
        let holder = try connection.query(
            """
            SELECT r.run_id, r.command, r.pid, r.host, to_char(r.started_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI:SS') AS started
              FROM pg_locks l
              JOIN pg_stat_activity a ON a.pid = l.pid
              LEFT JOIN disbursement.run_log r
                ON a.application_name LIKE 'disburse run_id=%'
               AND r.run_id = nullif(substring(a.application_name FROM 'run_id=([0-9]+)'), '')::bigint
             WHERE l.locktype = 'advisory' AND l.granted
               AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
               AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid AND l.objsubid = 1
             LIMIT 1
            """, [key]
        ).first
        var description = "holder unknown"
        if let holder, let runID = try holder.decodeIfPresent("run_id", as: Int64.self) {
            let command = try holder.decodeIfPresent("command", as: String.self) ?? "?"
            let pid = try holder.decodeIfPresent("pid", as: Int.self).map(String.init) ?? "?"
            let host = try holder.decodeIfPresent("host", as: String.self) ?? "?"
            let started = try holder.decodeIfPresent("started", as: String.self) ?? "?"
            description = "disburse \(command), run \(runID), pid \(pid) on \(host), started \(started) WIB"
        }
        throw Busy(holder: description)
    }

    public static func release(_ connection: Connection) {
        _ = try? connection.advisoryUnlock(key)
    }
}
