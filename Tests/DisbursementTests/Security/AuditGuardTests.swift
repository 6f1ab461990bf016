import Foundation
import Testing

@testable import Disbursement

/// Migration 0021: what `verify` and the audit trail trust cannot be rewritten by a client
/// holding the job's grants (checked here as the superuser, whom triggers bind too).
@Suite("audit guards")
struct AuditGuardTests {
    func denied(_ connection: Connection, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = PostgresError.from({ try connection.execute(sql) })
        #expect(error?.sqlState == "42501", "\(sql): \(String(describing: error))", sourceLocation: sourceLocation)
    }

    @Test func aRecordedManifestNeverChanges() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        _ = try env.run("2020-06-01")
        denied(env.connection, "UPDATE disbursement.batches SET manifest_sha256 = repeat('0', 64)")
        denied(env.connection, "UPDATE disbursement.batches SET manifest_sha256 = NULL")
        try env.connection.execute("UPDATE disbursement.batches SET manifest_sha256 = manifest_sha256")
    }

    @Test func theRunLogSaysWhoTheDatabaseSaysAndAFinishedRunStaysFinished() throws {
        let env = try TestEnvironment()
        let id = try env.connection.queryOne(
            """
            INSERT INTO disbursement.run_log (command, arguments, os_user, host, pid, tool_version, db_user, db_login)
            VALUES ('run', '{}', 'x', 'h', 1, 'v', 'mallory', 'mallory') RETURNING run_id
            """).decode(0, as: Int64.self)
        let who = try env.connection.queryOne(
            "SELECT db_user = current_user AND db_login = session_user FROM disbursement.run_log WHERE run_id = $1", [id])
        #expect(try who.decode(0, as: Bool.self))
        denied(env.connection, "UPDATE disbursement.run_log SET arguments = '{x}'")
        denied(env.connection, "UPDATE disbursement.run_log SET db_user = 'mallory'")
        denied(env.connection, "UPDATE disbursement.run_log SET started_at = now() - interval '1 day'")
        try env.connection.execute("UPDATE disbursement.run_log SET outcome = 'succeeded', exit_code = 0, finished_at = now()")
        denied(env.connection, "UPDATE disbursement.run_log SET outcome = 'failed'")
        denied(env.connection, "UPDATE disbursement.run_log SET message = 'all fine'")

        try env.connection.execute(
            """
            INSERT INTO disbursement.resolutions (registrant_id, kind, number, attempt, end_to_end_id, status_before, status,
                                                  reason, os_user, run_id, db_user)
            VALUES (1, 'A', 1, 1, 'E', 'SENT', 'PAID', 'r', 'x', $1, 'mallory')
            """, [id])
        let resolved = try env.connection.queryOne("SELECT db_user = session_user FROM disbursement.resolutions")
        #expect(try resolved.decode(0, as: Bool.self))
    }

    /// N5: whatever the client sends, a new row starts running at the server's clock; only an
    /// update records how it ended.
    @Test func aRunLogRowIsBornRunningNow() throws {
        let env = try TestEnvironment()
        let row = try env.connection.queryOne(
            """
            INSERT INTO disbursement.run_log (command, arguments, os_user, host, pid, tool_version,
                                              started_at, finished_at, outcome, exit_code, message, counts)
            VALUES ('run', '{}', 'x', 'h', 1, 'v', '2020-01-01', '2020-01-01 01:00', 'succeeded', 0, 'all fine', '{"payouts": 9}')
            RETURNING started_at > now() - interval '1 minute' AS started_now, finished_at IS NULL AS unfinished, outcome,
                      exit_code IS NULL AND message IS NULL AND counts = '{}' AS blank
            """)
        #expect(try row.decode("started_now", as: Bool.self))
        #expect(try row.decode("unfinished", as: Bool.self))
        #expect(try row.decode("outcome", as: String.self) == "running")
        #expect(try row.decode("blank", as: Bool.self))
    }
}
