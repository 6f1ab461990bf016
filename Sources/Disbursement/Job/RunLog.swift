import Foundation

/// The audit trail: every command that touches the database, dry or real, is recorded with
/// who ran it, where, with what arguments, and how it ended.
public struct RunLog {
    public let runID: Int64

    /// Records the start on its own statement (autocommit), so the entry survives the
    /// rollback of a dry run or a failed one. Passwords in the arguments are masked
    /// (`CredentialRedaction`); the environment (`PGPASSWORD`, `DATABASE_URL`) is never read here.
    public static func start(
        _ connection: Connection, command: String, arguments: [String], businessDate: BusinessDate?, dryRun: Bool
    ) throws -> RunLog {
        let info = ProcessInfo.processInfo
        let user = info.environment["USER"] ?? info.environment["LOGNAME"] ?? String(getuid())
        let arguments = PostgresArray(CredentialRedaction.arguments(arguments).map(Masking.digitRuns))
        let row = try connection.row(
            """
            INSERT INTO disbursement.run_log
                (command, arguments, business_date, dry_run, os_user, host, pid, tool_version)
            VALUES (\(command), \(arguments)::text[], \(businessDate)::date, \(dryRun), \(user), \(info.hostName),
                    \(Int(info.processIdentifier)), \(ToolVersion.current))
            RETURNING run_id
            """)
        let log = RunLog(runID: try row.decode(0, as: Int64.self))
        // A run whose database session ended before it recorded an outcome (killed, or its
        // connection lost) would stay 'running' for ever: the next run marks it abandoned. Only
        // such rows can be marked (migration 0026 refuses the rows of live sessions); the mark is
        // housekeeping, so a failure to make it stops nothing.
        _ = try? connection.execute(
            """
            UPDATE disbursement.run_log r SET outcome = 'abandoned'
             WHERE r.finished_at IS NULL AND r.run_id <> $1
               AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                WHERE a.pid = r.backend_pid AND (a.backend_start IS NULL OR a.backend_start = r.backend_start))
            """, [log.runID])
        // Lets a second run that finds the lock taken say whose it is.
        try connection.execute("SELECT set_config('application_name', $1, false)", ["disburse run_id=\(log.runID)"])
        return log
    }

    /// Records how the job ended; the outcome follows from the status (`ExitStatus.outcome`).
    /// The message is masked like every echo from outside (`Masking.digitRuns`): an error may
    /// quote a registry value or a status-file field.
    public func finish(
        _ connection: Connection, status: ExitStatus, message: String?, counts: String = "{}"
    ) throws {
        try connection.execute(
            """
            UPDATE disbursement.run_log
               SET finished_at = clock_timestamp(), outcome = $2, exit_code = $3, message = $4, counts = $5::jsonb
             WHERE run_id = $1
            """, [runID, status.outcome.rawValue, Int(status.rawValue), message.map(Masking.digitRuns), counts])
    }
}
