import Foundation
import Testing

@testable import Disbursement

/// Four eyes on a batch (migration 0016): the night's login makes it, another login approves
/// or rejects it, and the database enforces both rules whoever calls the functions.
@Suite("batch release: approve and reject")
struct BatchReleaseTests {
    /// A night for two payable participants, made by the superuser `postgres`.
    func night() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.payableParticipant(2)
        try env.run("2020-06-01")
        return env
    }

    /// A login of its own with only what an approver gets: EXECUTE on the two functions.
    func approver(_ env: TestEnvironment) throws -> Connection {
        let name = "approver_" + UUID().uuidString.prefix(8).lowercased()
        try env.connection.execute("CREATE ROLE \(name) LOGIN")
        try env.connection.execute("GRANT USAGE ON SCHEMA disbursement TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.batch_for_release(date) TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.decide_batch(date, text, text, text) TO \(name)")
        return try Connection(conninfo: env.database.conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(name)"))
    }

    static let june = BusinessDate("2020-06-01")!

    @Test func anApproverSeesTotalsAndTheManifestHashButNoParticipant() throws {
        let env = try night()
        let overview = try BatchRelease.overview(try approver(env), date: Self.june)
        let recorded = try env.connection.queryOne("SELECT manifest_sha256 FROM disbursement.batches").decode(0, as: String.self)
        #expect(overview.manifestSHA256 == recorded)
        #expect(overview.madeBy == "postgres")
        #expect(overview.payouts == Int64(try env.count("SELECT count(*) FROM disbursement.payouts")))
        #expect(overview.amount == Int64(try env.count("SELECT sum(amount) FROM disbursement.payouts")))
        #expect(overview.decision == nil)
        let text = overview.render(.table)
        #expect(text.contains("disburse approve 2020-06-01 --confirm \(recorded.prefix(12))"))
        #expect(!text.contains(Registry.nik(1)) && !text.contains("Siti"))
        // The approver cannot read the tables behind the functions.
        let approver = try approver(env)
        #expect(throws: PostgresError.self) { try approver.query("SELECT * FROM disbursement.payouts") }
    }

    @Test func anotherLoginApprovesOnceWithTheHashItWasShown() throws {
        let env = try night()
        let approver = try approver(env)
        let hash = try #require(try BatchRelease.overview(approver, date: Self.june).manifestSHA256)
        #expect(throws: ReleaseError.confirmationMismatch(Self.june)) {
            try BatchRelease.decide(approver, date: Self.june, verdict: .approved, confirmation: "0123456789ab", reason: nil)
        }
        #expect(throws: ReleaseError.confirmationMismatch(Self.june)) {
            try BatchRelease.decide(approver, date: Self.june, verdict: .approved, confirmation: String(hash.prefix(6)), reason: nil)
        }
        let decided = try BatchRelease.decide(
            approver, date: Self.june, verdict: .approved, confirmation: String(hash.prefix(12)).uppercased(), reason: nil)
        #expect(decided.decision?.verdict == .approved)
        #expect(decided.decision?.by.hasPrefix("approver_") == true)
        #expect(throws: ReleaseError.alreadyDecided(Self.june)) {
            try BatchRelease.decide(approver, date: Self.june, verdict: .rejected, confirmation: hash, reason: "second thoughts")
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE status <> 'ISSUED'") == 0)
    }

    @Test func theLoginThatMadeTheBatchCannotDecideIt() throws {
        let env = try night()
        let hash = try #require(try BatchRelease.overview(env.connection, date: Self.june).manifestSHA256)
        #expect(throws: ReleaseError.sameLogin(Self.june, "postgres")) {
            try BatchRelease.decide(env.connection, date: Self.june, verdict: .approved, confirmation: hash, reason: nil)
        }
        // Not even by calling the database function directly.
        #expect(throws: PostgresError.self) {
            try env.connection.query("SELECT disbursement.decide_batch('2020-06-01', 'APPROVED', $1, NULL)", [hash])
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.batch_decisions") == 0)
    }

    @Test func aBatchThatDoesNotExistOrWhoseFilesAreMissingCannotBeDecided() throws {
        let env = try night()
        let approver = try approver(env)
        let july = BusinessDate("2020-07-01")!
        #expect(throws: ReleaseError.noBatch(july)) { try BatchRelease.overview(approver, date: july) }
        // A recorded manifest never changes (migration 0021); only the fixture may unset it.
        try env.connection.executeScript(
            """
            ALTER TABLE disbursement.batches DISABLE TRIGGER batches_manifest_once;
            UPDATE disbursement.batches SET manifest_sha256 = NULL;
            ALTER TABLE disbursement.batches ENABLE TRIGGER batches_manifest_once;
            """)
        #expect(throws: ReleaseError.notWritten(Self.june)) {
            try BatchRelease.decide(approver, date: Self.june, verdict: .approved, confirmation: "0123456789abcdef", reason: nil)
        }
    }

    @Test func aRejectedBatchIsPaidByTheNextOneWithoutSpendingAnAttempt() throws {
        let env = try night()
        env.settings.attemptLimit = 1
        let approver = try approver(env)
        let hash = try #require(try BatchRelease.overview(approver, date: Self.june).manifestSHA256)
        #expect(throws: ReleaseError.reasonMissing) {
            try BatchRelease.decide(approver, date: Self.june, verdict: .rejected, confirmation: hash, reason: "  ")
        }
        let made = try env.count("SELECT count(*) FROM disbursement.payouts")
        let rejected = try BatchRelease.decide(
            approver, date: Self.june, verdict: .rejected, confirmation: hash, reason: "BNI totals look wrong")
        #expect(rejected.decision?.reason == "BNI totals look wrong")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE status = 'FAILED' AND reason_code = 'BATCH_REJECTED'") == made)
        #expect(try PayoutTotals.drift(env.connection) == 0)
        // The next night pays every entitlement again, as attempt 2, even with a limit of one
        // attempt: the rejected one was never sent.
        try env.run("2020-06-02")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE business_date = '2020-06-02' AND attempt = 2") == made)
        #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE released_on IS NULL") == 0)
    }

    @Test func aBatchAChannelHasAnsweredForCannotBeRejected() throws {
        let env = try night()
        let approver = try approver(env)
        let hash = try #require(try BatchRelease.overview(approver, date: Self.june).manifestSHA256)
        try env.connection.execute("UPDATE disbursement.payouts SET status = 'PENDING' WHERE registrant_id = 1 AND kind = 'TRAINING'")
        #expect(throws: ReleaseError.answered(Self.june)) {
            try BatchRelease.decide(approver, date: Self.june, verdict: .rejected, confirmation: hash, reason: "too late")
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE status = 'FAILED'") == 0)
    }

    @Test func theCommandLineShowsThenApproves() throws {
        let env = try night()
        let name = "approver_" + UUID().uuidString.prefix(8).lowercased()
        try env.connection.execute("CREATE ROLE \(name) LOGIN")
        try env.connection.execute("GRANT USAGE ON SCHEMA disbursement TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.batch_for_release(date), disbursement.decide_batch(date, text, text, text) TO \(name)")
        let url = env.database.conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(name)")
        let shown = try CLI.run(["approve", "2020-06-01", "--database-url", url], environment: env.cliEnvironment)
        #expect(shown.status == 0, "\(shown.stderr)")
        let hash = try env.connection.queryOne("SELECT manifest_sha256 FROM disbursement.batches").decode(0, as: String.self)
        #expect(shown.stdout.contains(hash))
        let same = try CLI.run(["approve", "2020-06-01", "--confirm", String(hash.prefix(12)), "--database-url", env.database.conninfo], environment: env.cliEnvironment)
        #expect(same.status == 64)
        #expect(same.stderr.contains("another login must decide it"))
        let approved = try CLI.run(["approve", "2020-06-01", "--confirm", String(hash.prefix(12)), "--database-url", url], environment: env.cliEnvironment)
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("APPROVED by \(name)"))
    }
}
