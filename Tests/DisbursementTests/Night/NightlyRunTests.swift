import Foundation
import Testing

@testable import Disbursement

@Suite("nightly run")
struct NightlyRunTests {
    @Test func aPayableParticipantGetsTrainingAndDueIncentivesOnly() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        // Trained 2020-05-01: incentive 1 due that day, 2 on 05-31, 3 on 06-30.
        let report = try env.run("2020-06-01")
        #expect(report.summary.virtualAccountsIssued == 1)
        #expect(try env.payouts(1) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "TRAINING1@VA"])
        #expect(report.summary.payoutAmount == 1_000_000 + 2 * 600_000)
        let va = try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts").decode(0, as: String.self)
        let training = try env.connection.queryOne(
            "SELECT account_no, va, end_to_end_id FROM disbursement.payouts WHERE kind = 'TRAINING'")
        #expect(try training.decode("account_no", as: String.self) == va)
        #expect(try training.decode("va", as: String.self) == va)
        #expect(try training.decode("end_to_end_id", as: String.self) == "PK-1-T1-1")
    }

    /// The payouts' statistics are refreshed when a batch is large beside what they know (a
    /// first night: reconciliation follows at once and must not plan for an empty table), and
    /// left alone for a batch under a tenth of the table.
    @Test func payoutStatisticsAreRefreshedForALargeBatchOnly() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        for id in 1...20 { try env.registry.payableParticipant(Int64(id)) }
        let known = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'disbursement.payouts'::regclass"
        try env.run("2020-06-01")
        #expect(try env.count(known) == 60)
        try env.registry.payableParticipant(21)
        try env.run("2020-06-02")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 63)
        #expect(try env.count(known) == 60)
    }

    @Test func theNextNightPaysOnlyWhatBecameDue() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.survey(1, number: 1, on: "2020-06-05")
        try env.run("2020-06-01")
        let second = try env.run("2020-06-30")
        #expect(second.summary.virtualAccountsIssued == 0)
        #expect(second.summary.payouts.map(\.kind.rawValue).sorted() == ["INCENTIVE", "SURVEY"])
        #expect(second.summary.payoutCount == 2)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 5)
    }

    @Test func reRunningADateChangesNothingAndPrintsTheSameSummary() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.registrant(2, nik: "12345")
        try env.registry.member(2)
        let first = try env.run("2020-06-01")
        let before = try env.snapshot()
        // Newly approved people wait for the next date: a recorded batch never grows.
        try env.registry.payableParticipant(3)
        let second = try env.run("2020-06-01")
        #expect(second.alreadyRecorded)
        #expect(second.summary == first.summary)
        #expect(try env.snapshot() == before)
    }

    @Test func aDryRunReportsExactlyWhatTheRealRunDoesAndWritesNothing() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        for id in Int64(1)...20 { try env.registry.payableParticipant(id) }
        try env.registry.registrant(21, nik: "ABC")
        try env.registry.member(21)
        try env.run("2020-06-01")
        try env.registry.payableParticipant(22)
        let before = try env.snapshot()
        let dry = try env.run("2020-06-15", dryRun: true)
        #expect(dry.dryRun)
        #expect(try env.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: env.output.appending(path: "2020-06-15").path))
        let real = try env.run("2020-06-15")
        #expect(dry.summary == real.summary)
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE dry_run") == 1)
    }

    @Test func duplicateNIKHoldsEveryoneWhoSharesIt() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.registrant(2, nik: Registry.nik(1))
        try env.registry.member(2)
        try env.run("2020-06-01")
        #expect(try env.hold(1, "TRAINING") == "DUPLICATE_NIK")
        #expect(try env.hold(2, "TRAINING") == "DUPLICATE_NIK")
        #expect(try env.payouts(1).isEmpty)
    }

    @Test func aHoldReleasesOnTheFirstRunAfterItsCauseIsGone() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.registrant(1)
        try env.registry.member(1)
        try env.registry.completion(1)
        try env.run("2020-06-01")
        #expect(try env.hold(1, "INCENTIVE") == "NO_LINKED_ACCOUNT")
        #expect(try env.payouts(1) == ["TRAINING1@VA"])
        try env.registry.account(1, linkedAt: "2020-06-01")
        try env.run("2020-06-02")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.payouts(1) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "TRAINING1@VA"])
        let released = try env.connection.queryOne(
            "SELECT released_on::text FROM disbursement.holds WHERE registrant_id = 1 AND kind = 'INCENTIVE' AND number = 1")
        #expect(try released.decode(0, as: String.self) == "2020-06-02")
    }

    @Test func unpaidEntitlementsExpireAfterPayableUntilAndAreNeverPaid() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1", payableUntil: "2020-06-10")
        try env.registry.registrant(1)
        try env.registry.member(1)
        try env.registry.completion(1)
        try env.run("2020-06-01")  // training paid; incentives held: no account
        try env.registry.account(1, linkedAt: "2020-06-05")
        let report = try env.run("2020-06-11")
        #expect(report.summary.payoutCount == 0)
        #expect(report.summary.expiredCount == 4)  // 4 incentives, 2 of them never due
        #expect(report.summary.expiredAmount == 4 * 600_000)
        #expect(try env.hold(1, "INCENTIVE") == nil)
        try env.run("2020-07-30")
        #expect(try env.payouts(1) == ["TRAINING1@VA"])
    }

    @Test func revokedParticipantsKeepTheirNumberAndAreHeld() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-01")
        let va = try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts").decode(0, as: String.self)
        try env.connection.execute("UPDATE registry.decree_members SET status = 'revoked'")
        try env.run("2020-07-01")
        #expect(try env.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts").decode(0, as: String.self) == va)
    }

    @Test func anInvalidDecreeHoldsItsMembersAndTheNightGoesOn() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.decree("SK-BAD", issuedOn: "2020-04-05", incentive: 0)
        try env.registry.payableParticipant(1)
        try env.registry.payableParticipant(2, decree: "SK-BAD")
        try env.run("2020-06-01")
        #expect(try env.payouts(1) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "TRAINING1@VA"])
        #expect(try env.payouts(2).isEmpty)
        #expect(try env.hold(2, "TRAINING") == "INVALID_DECREE")
        #expect(try env.hold(2, "INCENTIVE", 2) == "INVALID_DECREE")
        // The approval of an unsound decree is not established yet: no VA.
        #expect(try env.count("SELECT count(*) FROM disbursement.virtual_accounts WHERE registrant_id = 2") == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE outcome = 'succeeded'") == 1)
    }

    @Test func batchesOnlyMoveForwardInTime() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-10")
        #expect(throws: UsageError.self) { try env.run("2020-06-09") }
    }

    @Test func aSecondRunWhileOneHoldsTheLockIsRefusedAtOnceNamingTheHolder() throws {
        let env = try TestEnvironment()
        let holder = try env.database.connect()
        _ = try RunLog.start(holder, command: "run", arguments: ["run"], businessDate: nil, dryRun: false)
        try RunLock.acquire(holder)
        #expect {
            try env.run("2020-06-01")
        } throws: { error in
            guard let busy = error as? RunLock.Busy else { return false }
            return busy.holder.contains("pid") && busy.holder.contains("run")
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE outcome = 'refused'") == 1)
    }

    @Test func anOutdatedSchemaIsRefused() throws {
        let env = try TestEnvironment()
        try env.connection.execute("DELETE FROM disbursement.schema_migrations WHERE version = 2")
        #expect {
            try env.run("2020-06-01")
        } throws: { error in
            guard case Migrator.Failure.behind = error else { return false }
            return true
        }
        let cli = try env.cli("run", "--date", "2020-06-01")
        #expect(cli.status == 78 && cli.stderr.contains("disburse migrate"), "\(cli.stderr)")
    }

    @Test(arguments: ["2020-02-30", "2020-6-1", "01-06-2020", "yesterday", "2020-06-01T00:00"])
    func aMalformedDateIsAUsageError(_ date: String) throws {
        let env = try TestEnvironment()
        let result = try env.cli("run", "--date", date)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("YYYY-MM-DD"))
        #expect(try env.connection.queryOne("SELECT count(*) FROM disbursement.batches").decode(0, as: Int.self) == 0)
    }

    @Test func aDateInTheFutureIsRefused() throws {
        let env = try TestEnvironment()
        let result = try env.cli("run", "--date", "2999-01-01", "--dry-run")
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("in the future"))
        #expect(try env.connection.queryOne("SELECT count(*) FROM disbursement.run_log").decode(0, as: Int.self) == 0)
    }
}
