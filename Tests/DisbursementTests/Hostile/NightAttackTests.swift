import Foundation
import Logging
import Testing

@testable import Disbursement

/// The findings of the outside attack on the night (2026-11-25, `/work/attack-night/findings`),
/// each reproduced as reported: none may stop the night for others or make money vanish.
@Suite("night attack")
struct NightAttackTests {
    /// F2, F6: timestamps the night cannot place in time (overflowing the time-zone conversion,
    /// infinite, before the programme) neither stop the night nor make every tranche due.
    @Test(arguments: ["294276-12-31 23:00:00+00", "infinity", "-infinity", "1970-01-01 00:00+00"])
    func anImplausibleCompletionOrSurveyDateNeitherStopsNorPays(_ value: String) throws {
        let env = try DirtyRowTests.world()
        try env.connection.execute(
            "UPDATE registry.training_completions SET completed_at = $1::timestamptz WHERE registrant_id = 1", [value])
        try env.registry.survey(2, number: 1, on: "2020-05-10")
        try env.connection.execute(
            "INSERT INTO registry.survey_responses VALUES (2, 2, $1::timestamptz)", [value])
        try env.run("2020-06-01")
        #expect(try env.payouts(1) == ["TRAINING1@VA"])
        #expect(try env.payouts(2) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "SURVEY1@BNI", "TRAINING1@VA"])
        #expect(try env.payouts(3).count == 3)
        try env.run("2020-06-02")
        try Invariants.check(env)
    }

    /// F6: a completion before its decree was issued is no completion of that decree's training.
    @Test func aCompletionBeforeTheDecreeDoesNotCount() throws {
        let env = try DirtyRowTests.world()
        try env.connection.execute(
            "UPDATE registry.training_completions SET completed_at = '2020-03-01 10:00+07' WHERE registrant_id = 1")
        try env.run("2020-06-01")
        #expect(try env.payouts(1) == ["TRAINING1@VA"])
    }

    /// F3: a decree whose issued_on moves into the future (or to infinity) after its members
    /// were paid keeps them, held INVALID_DECREE, and the proof counts them.
    @Test(arguments: ["2029-01-01", "infinity"])
    func aDecreeMovedIntoTheFutureHoldsItsPaidMembers(_ issuedOn: String) throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        try env.connection.execute("UPDATE registry.decrees SET issued_on = $1::date", [issuedOn])
        let night = try env.cli("run", "--date", "2020-07-01")
        #expect(night.status == 0, "\(night.stderr)")
        #expect(try env.hold(1, "INCENTIVE", 3) == "INVALID_DECREE")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE business_date = '2020-07-01'") == 0)
        #expect(try env.count(
            "SELECT held_count FROM disbursement.decree_proofs WHERE business_date = '2020-07-01' AND decree_no = 'SK-1'") == 3)
        #expect(night.stderr.contains("SK-1"), "\(night.stderr)")
    }

    /// F3: a paid member whose membership row is deleted is held NOT_APPROVED, not forgotten.
    @Test func aVanishedMembershipOfAPaidMemberIsHeld() throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        try env.connection.execute("DELETE FROM registry.decree_members WHERE registrant_id = 1")
        try env.run("2020-07-01")
        #expect(try env.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try env.payouts(1).count == 3)
        #expect(try env.payouts(2).contains("INCENTIVE3@BNI"))
    }

    /// F4: a registrant id the end-to-end id cannot carry is held before anything is issued;
    /// the largest that it can carry round-trips through `EndToEndID`.
    @Test func registrantIdsTheReferenceCannotCarryAreHeld() throws {
        let env = try DirtyRowTests.world()
        for (index, id) in [Int64(0), -5, 1_234_567_890_123_456_789].enumerated() {
            try env.registry.registrant(id, nik: "3171000000000099")
            try env.registry.member(id)
            try env.registry.completion(id)
            try env.registry.account(id, accountID: Int64(100 + index), ownerNIK: "3171000000000099")
        }
        let largest: Int64 = 999_999_999_999_999_999
        try env.registry.registrant(largest, nik: "3171000000000098")
        try env.registry.member(largest)
        try env.registry.completion(largest)
        try env.registry.account(largest, accountID: 7, ownerNIK: "3171000000000098")
        try env.run("2020-06-01")
        for id: Int64 in [0, -5, 1_234_567_890_123_456_789] {
            #expect(try env.payouts(id) == [])
            #expect(try env.hold(id, "TRAINING") == "INVALID_REGISTRANT_ID")
            #expect(try env.hold(id, "INCENTIVE", 2) == "INVALID_REGISTRANT_ID")
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.virtual_accounts WHERE registrant_id NOT BETWEEN 1 AND 999999999999999999") == 0)
        let references = try env.connection.query(
            "SELECT end_to_end_id FROM disbursement.payouts WHERE registrant_id = $1", [largest]
        ).map { try $0.decode(0, as: String.self) }
        #expect(references.count == 3)
        for reference in references { #expect(EndToEndID(reference)?.registrantID == largest) }
    }

    /// F8: the same account with another number is a change of account (SPEC §3).
    @Test func aPermanentFailureReleasesWhenTheSameAccountGetsAnotherNumber() throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        let file = env.output.appending(path: "1.csv")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data(["end_to_end_id,status,amount,reason_code,reason_text,settled_at", "PK-1-I1-1,FAILED,600000,AC04,Closed account,"]
            .joined(separator: "\r\n").utf8).write(to: file)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        _ = try Reconciler(settings: env.settings, logger: logger).reconcile(
            try env.database.connect(), files: [file.path], format: nil, dryRun: false, asOf: BusinessDate("2020-06-02")!, arguments: [])
        try env.run("2020-06-02")
        #expect(try env.hold(1, "INCENTIVE") == "PERMANENT_FAILURE")
        try env.connection.execute("UPDATE registry.payout_accounts SET account_no = '0099' WHERE registrant_id = 1")
        try env.run("2020-06-03")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.count(
            "SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 1 AND kind = 'INCENTIVE' AND number = 1 AND account_no = '0099'") == 1)
    }

    /// F9: numbers written with separators are masked like plain ones; dates stay readable.
    @Test func numbersWithSeparatorsAreMasked() {
        #expect(Masking.digitRuns("decree +62 812-0000-0110!") == "decree *************0110!")
        #expect(Masking.digitRuns("NIK 3201 0000 0000 0110") == "NIK ***************0110")
        #expect(Masking.digitRuns("no 0812.0000.0110") == "no **********0110")
        #expect(Masking.digitRuns("3201000000000110") == "************0110")
        #expect(Masking.digitRuns("on 2026-11-25 at 20:23, line 12, Rp1,000,000") == "on 2026-11-25 at 20:23, line 12, Rp1,000,000")
        #expect(Masking.digitRuns("a 1234567 b - c") == "a 1234567 b - c")
        // Full-width digits (a NIK typed on a phone keyboard) are digits too.
        #expect(Masking.digitRuns("NIK ３２０１０００００００００１１０") == "NIK ************０１１０")
    }

    /// F10: server timeouts set on the database do not cut a night short.
    @Test func databaseTimeoutsDoNotStopTheNight() throws {
        let env = try DirtyRowTests.world()
        try env.connection.executeScript(
            """
            ALTER DATABASE \(env.database.name) SET statement_timeout = '100ms';
            ALTER DATABASE \(env.database.name) SET lock_timeout = '100ms';
            ALTER DATABASE \(env.database.name) SET idle_in_transaction_session_timeout = '1ms';
            """)
        let connection = try env.database.connect()
        #expect(try connection.queryOne("SELECT current_setting('idle_in_transaction_session_timeout')").decode(0, as: String.self) == "0")
        #expect(try connection.queryOne("SELECT current_setting('statement_timeout')").decode(0, as: String.self) == "0")
        let night = try env.cli("run", "--date", "2020-06-01")
        #expect(night.status == 0, "\(night.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE outcome = 'running'") == 0)
        #expect(try env.payouts(1).count == 3)
    }

    /// F1: in a SQL_ASCII database a name that is not UTF-8 is written with U+FFFD, the same on
    /// every re-render, and stops nobody's files.
    @Test func aNameThatIsNotUTF8InASQLASCIIDatabaseStopsNoFiles() throws {
        let env = try TestEnvironment(sqlASCII: true)
        try env.registry.decree("SK-1")
        for id in Int64(1)...3 { try env.registry.payableParticipant(id) }
        try env.connection.execute(
            "UPDATE registry.registrants SET full_name = convert_from('\\x41ff4e49'::bytea, 'SQL_ASCII') WHERE registrant_id = 2")
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        let va = try String(decoding: Data(contentsOf: folder.appending(path: "VA-001.csv")), as: UTF8.self)
        #expect(va.contains("A\u{FFFD}NI"), "\(va)")
        let before = try Data(contentsOf: folder.appending(path: "manifest.json"))
        try FileManager.default.removeItem(at: folder)
        try env.run("2020-06-01")
        #expect(try Data(contentsOf: folder.appending(path: "manifest.json")) == before)
        try env.run("2020-06-02")
    }

    @Test func aFailureAfterCommitSaysTheBatchIsRecorded() {
        struct Broken: Error {}
        let error = FilesUnfinishedError(date: "2020-06-01", cause: Broken())
        #expect(error.description.contains("is recorded"))
        #expect(!error.description.contains("Nothing was half-written"))
    }
}
