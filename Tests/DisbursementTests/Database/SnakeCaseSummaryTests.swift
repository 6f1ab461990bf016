import Foundation
import Testing

@testable import Disbursement

/// JSON kept in the database has snake_case keys; batches and status files recorded by an
/// older build (Swift property names) are renamed by migration 0035 and read as before.
@Suite("snake_case summaries")
struct SnakeCaseSummaryTests {
    @Test func anOlderBatchAndStatusFileReadTheSameAfterMigration0035() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 1500, seed: 5)
        let first = try env.run("2020-06-01")
        let statusFile = env.output.deletingLastPathComponent().appending(path: "status-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: statusFile) }
        let e2e = try env.connection.queryOne("SELECT min(end_to_end_id) FROM disbursement.payouts").decode(0, as: String.self)
        let amount = try env.connection.queryOne("SELECT amount FROM disbursement.payouts WHERE end_to_end_id = $1", [e2e]).decode(0, as: Int64.self)
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\n\(e2e),PAID,\(amount),,,2020-06-02T10:00:00+07:00\n".utf8)
            .write(to: statusFile)
        #expect(try env.cli("reconcile", statusFile.path, "--as-of", "2020-06-02").status == 0)
        let report = try env.cli("report", "reconciliation", "--format", "csv").stdout
        #expect(try env.count("SELECT count(*) FROM disbursement.batches WHERE summary ? 'virtual_accounts_issued'") == 1)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files WHERE summary ? 'matched_amount'") == 1)

        // As an older build wrote them.
        try env.connection.execute(
            """
            UPDATE disbursement.batches SET summary = (summary - 'business_date' - 'virtual_accounts_issued' - 'expired_count' - 'expired_amount')
                || jsonb_build_object('businessDate', summary -> 'business_date', 'virtualAccountsIssued', summary -> 'virtual_accounts_issued',
                                      'expiredCount', summary -> 'expired_count', 'expiredAmount', summary -> 'expired_amount')
            """)
        try env.connection.execute(
            """
            UPDATE disbursement.status_files SET summary = (summary - 'already_imported' - 'exception_amount' - 'matched_amount')
                || jsonb_build_object('alreadyImported', summary -> 'already_imported', 'exceptionAmount', summary -> 'exception_amount',
                                      'matchedAmount', summary -> 'matched_amount')
            """)
        let migration = try #require(Migration.all.first { $0.version == 35 })
        try env.connection.executeScript(migration.sql)

        #expect(try env.run("2020-06-01").summary == first.summary)
        #expect(try env.cli("report", "reconciliation", "--format", "csv").stdout == report)
        #expect(try env.count("SELECT count(*) FROM disbursement.batches WHERE summary::text ~ '[a-z][A-Z]'") == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files WHERE summary::text ~ '\"[a-z]+[A-Z]'") == 0)
    }
}
