import Foundation
import Testing

@testable import Disbursement

/// A PAID line for a payout now RETURNED is a status already passed when the payout was PAID
/// before. Since migration 0048 the payout remembers it (`passed_paid`) instead of an index on
/// every PAID line; the history a database had before that migration must read the same.
@Suite("passed PAID")
struct PassedPaidTests {
    let recon = ReconcilerTests()

    /// PAID again for a RETURNED payout: UNCHANGED when it was PAID before, else a conflict.
    func paidAgain(_ env: TestEnvironment, _ name: String) throws -> [String: Int] {
        try recon.reconcile(env, [try recon.statusFile(env, name, [
            "PK-1-I1-1,PAID,600000,,,2020-06-01T10:00", "PK-2-I1-1,PAID,600000,,,2020-06-03T10:00",
        ])]).files[0].exceptions
    }

    @Test func historyBeforeMigration0048ReadsTheSame() throws {
        let env = try ReconcilerTests.night()
        // Payout 1 PAID then RETURNED; payout 2 RETURNED without ever being PAID; payout 3 PAID
        // when the migration runs, RETURNED after it.
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", [
            "PK-1-I1-1,PAID,600000,,,2020-06-01T10:00", "PK-3-I1-1,PAID,600000,,,2020-06-01T10:00",
        ])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", [
            "PK-1-I1-1,RETURNED,600000,XX99,,2020-06-02T10:00", "PK-2-I1-1,RETURNED,600000,XX99,,2020-06-02T10:00",
        ])])
        // As a database before migration 0048 had it.
        try env.connection.execute("ALTER TABLE disbursement.payouts DROP COLUMN passed_paid")
        try env.connection.execute(
            "CREATE INDEX status_lines_paid_applied ON disbursement.status_lines (registrant_id, end_to_end_id) WHERE status = 'PAID' AND outcome = 'APPLIED'")
        let migration = try #require(Migration.all.first { $0.version == 48 })
        try env.connection.executeScript(migration.sql)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE passed_paid") == 1)

        try recon.reconcile(env, [try recon.statusFile(env, "3.csv", ["PK-3-I1-1,RETURNED,600000,XX99,,2020-06-02T10:00"])])
        #expect(try paidAgain(env, "4.csv") == ["STATUS_CONFLICT": 1])
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE end_to_end_id = 'PK-2-I1-1'") == 1)
        #expect(try recon.reconcile(env, [try recon.statusFile(env, "5.csv", ["PK-3-I1-1,PAID,600000,,,2020-06-01T10:00"])])
            .files[0].exceptions.isEmpty)
        #expect(try recon.status(env, "PK-1-I1-1") == "RETURNED" && recon.status(env, "PK-3-I1-1") == "RETURNED")
    }

    /// A payout finance settles PAID, then its money comes back: it passed PAID too.
    @Test func aResolutionToPaidIsAStatusPassed() throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,2020-06-01T10:00"])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-02T10:00"])])
        #expect(try env.cli("resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "bank statement shows it paid").status == 0)
        try recon.reconcile(env, [try recon.statusFile(env, "3.csv", ["PK-1-I1-1,RETURNED,600000,XX99,,2020-06-03T10:00"])])
        #expect(try recon.status(env, "PK-1-I1-1") == "RETURNED")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE passed_paid") == 1)
        #expect(try recon.reconcile(env, [try recon.statusFile(env, "4.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-02T10:00"])])
            .files[0].exceptions.isEmpty)
    }

    /// A PAID dated after the return that moved the payout is news, not history re-sent: with
    /// the retry paid too it is a DOUBLE_PAYMENT (outside attack on 8e87490, F1).
    @Test func aPaidDatedAfterTheReturnIsNotHistory() throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-02T10:00"])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,RETURNED,600000,MD06,,2020-06-04T10:00"])])
        try env.run("2020-06-05")
        let late = try recon.reconcile(env, [
            try recon.statusFile(env, "3.csv", ["PK-1-I1-2,PAID,600000,,,2020-06-06T10:00"]),
            try recon.statusFile(env, "4.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-07T10:00"]),
        ], asOf: "2020-06-07")
        #expect(late.files[1].exceptions == ["DOUBLE_PAYMENT": 1], "\(late.files[1])")
        // History re-sent (the PAID dated before the return) is still nothing new.
        let resent = try recon.reconcile(env, [try recon.statusFile(env, "5.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-02T10:00"])])
        #expect(resent.files[0].exceptions.isEmpty)

        // In one file: a return, then a payment after it, for a payout PAID before.
        try recon.reconcile(env, [try recon.statusFile(env, "6.csv", ["PK-3-I1-1,PAID,600000,,,2020-06-02T10:00"])])
        let one = try recon.reconcile(env, [try recon.statusFile(env, "7.csv", [
            "PK-3-I1-1,PAID,600000,,,2020-06-06T10:00", "PK-3-I1-1,RETURNED,600000,MD06,,2020-06-05T10:00",
        ])], asOf: "2020-06-07")
        #expect(one.files[0].exceptions == ["STATUS_CONFLICT": 1], "\(one.files[0])")
        #expect(try recon.status(env, "PK-3-I1-1") == "RETURNED")
    }

    /// `--channel` names a channel of the settings: an empty or unknown one matched no payout,
    /// made every line an exception and spent the file's hash (attack on 8e87490, F2).
    @Test func anUnknownChannelIsRefusedBeforeAnythingIsImported() throws {
        let env = try ReconcilerTests.night()
        let file = try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AC01,,2020-06-02T10:00"])
        for channel in ["", "bni", "NOPE"] {
            let refused = try env.cli("reconcile", "--as-of", "2020-06-02", "--channel", channel, file)
            #expect(refused.status == 64, "\(channel): \(refused.stderr)")
            #expect(refused.stderr.contains("not a channel of the settings"), "\(refused.stderr)")
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 0)
        #expect(try env.cli("reconcile", "--as-of", "2020-06-02", file).status == 0)
        #expect(try recon.status(env, "PK-1-I1-1") == "FAILED")
    }
}
