import Foundation
import Logging
import Testing

@testable import Disbursement

@Suite("reconciliation")
struct ReconcilerTests {
    /// Three payable participants paid on 2020-06-01: T1, I1, I2 each.
    static func night() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        for id in Int64(1)...3 { try env.registry.payableParticipant(id) }
        try env.run("2020-06-01")
        return env
    }

    func statusFile(_ env: TestEnvironment, _ name: String, _ rows: [String]) throws -> String {
        let url = env.output.appending(path: name)
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data((["end_to_end_id,status,amount,reason_code,reason_text,settled_at"] + rows).joined(separator: "\r\n").utf8).write(to: url)
        return url.path
    }

    @discardableResult
    func reconcile(_ env: TestEnvironment, _ files: [String], dryRun: Bool = false, asOf: String = "2020-06-02") throws -> Reconciler.Outcome {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outcome = try Reconciler(settings: env.settings, logger: logger).reconcile(
            try env.database.connect(), files: files, format: nil, dryRun: dryRun, asOf: BusinessDate(asOf)!, arguments: [])
        // Every reconciliation keeps the summary's totals exactly what the payouts say.
        #expect(try PayoutTotals.drift(env.connection) == 0)
        return outcome
    }

    func status(_ env: TestEnvironment, _ reference: String) throws -> String {
        try env.connection.queryOne("SELECT status FROM disbursement.payouts WHERE end_to_end_id = $1", [reference]).decode(0)
    }

    @Test func paidClosesTheEntitlementAndAFileImportedTwiceChangesNothing() throws {
        let env = try Self.night()
        let file = try statusFile(env, "a.csv", ["PK-1-T1-1,PAID,1000000,,,2020-06-02", "PK-1-I1-1,PAID,,,,"])
        let first = try reconcile(env, [file]).files
        #expect(first[0].applied["PAID"] == 2)
        #expect(try status(env, "PK-1-T1-1") == "PAID")
        let before = try env.snapshot()
        let second = try reconcile(env, [file]).files
        #expect(second[0].alreadyImported)
        #expect(try env.snapshot() == before)
        try env.run("2020-06-02")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 1") == 3)
    }

    @Test func failedAndReturnedComeBackAsNewAttemptsUpToTheLimitThenHold() throws {
        let env = try Self.night()
        try reconcile(env, [try statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,", "PK-2-I1-1,PAID,600000,,,"])])
        try reconcile(env, [try statusFile(env, "2.csv", ["PK-2-I1-1,RETURNED,600000,XX99,,"])])
        try env.run("2020-06-02")
        #expect(try status(env, "PK-1-I1-2") == "ISSUED")
        #expect(try status(env, "PK-2-I1-2") == "ISSUED")
        try reconcile(env, [try statusFile(env, "3.csv", ["PK-1-I1-2,FAILED,600000,AM04,,"])])
        try env.run("2020-06-03")
        try reconcile(env, [try statusFile(env, "4.csv", ["PK-1-I1-3,FAILED,600000,AM04,,"])], asOf: "2020-06-04")
        try env.run("2020-06-04")
        #expect(try env.hold(1, "INCENTIVE") == "RETRY_LIMIT")
        try Invariants.check(env)
    }

    @Test func aPermanentFailureHoldsUntilTheAccountInForceChanges() throws {
        let env = try Self.night()
        try reconcile(env, [try statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AC04,Closed account,"])])
        try env.run("2020-06-02")
        #expect(try env.hold(1, "INCENTIVE") == "PERMANENT_FAILURE")
        try env.registry.account(1, accountID: 99, provider: "BCA", linkedAt: "2020-06-02")
        try env.run("2020-06-03")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.payouts(1).contains("INCENTIVE1@BCA"))
    }

    @Test func everyKindOfExceptionIsRecordedWithItsLine() throws {
        let env = try Self.night()
        try reconcile(env, [try statusFile(env, "1.csv", ["PK-1-T1-1,PAID,1000000,,,"])])
        let results = try reconcile(env, [try statusFile(env, "2.csv", [
            "PK-999-I1-1,PAID,600000,,,",       // unknown
            "PK-02-I1-1,PAID,600000,,,",        // names no payout: PK-2-I1-1 is not PK-02-I1-1
            "PK-2-I1-1,PAID,600001,,,",         // amount differs
            "PK-3-I1-1,PAID,600000,,,",
            "PK-3-I1-1,PAID,600000,,,",         // duplicate line
            "PK-1-T1-1,FAILED,1000000,AC01,,",  // contradicts PAID
        ])], asOf: "2020-07-01")
        let exceptions = results.files[0].exceptions
        #expect(exceptions["UNKNOWN_REFERENCE"] == 2)
        #expect(exceptions["AMOUNT_MISMATCH"] == 1)
        #expect(exceptions["DUPLICATE_LINE"] == 1)
        #expect(exceptions["STATUS_CONFLICT"] == 1)
        // Unanswered after 14 days, checked once all files are in: 9 payouts less the 2 paid.
        #expect(results.unanswered == 7)
        #expect(results.exceptionCount == 12)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE line_no = 4 AND kind = 'AMOUNT_MISMATCH'") == 1)
        #expect(try status(env, "PK-2-I1-1") == "ISSUED")
        #expect(try status(env, "PK-1-T1-1") == "PAID")
        // Unanswered payouts are reported once, not on every import.
        let again = try reconcile(env, [try statusFile(env, "3.csv", ["PK-3-T1-1,PAID,1000000,,,"])], asOf: "2020-07-02")
        #expect(again.unanswered == 0)
    }

    /// Each batch date is checked for unanswered payouts once it is past the limit, including a
    /// batch made after a reconciliation whose limit date already lay beyond it.
    @Test func unansweredPayoutsAreFoundOnceForEveryBatchDate() throws {
        let env = try Self.night()
        let first = try reconcile(env, [try statusFile(env, "1.csv", ["PK-1-T1-1,PAID,1000000,,,"])], asOf: "2020-07-01")
        #expect(first.unanswered == 8)
        try env.registry.payableParticipant(4)
        try env.run("2020-06-10")
        let second = try reconcile(env, [try statusFile(env, "2.csv", ["PK-2-T1-1,PAID,1000000,,,"])], asOf: "2020-07-02")
        #expect(second.unanswered == 3)  // participant 4's batch of 2020-06-10
        let third = try reconcile(env, [try statusFile(env, "3.csv", ["PK-3-T1-1,PAID,1000000,,,"])], asOf: "2020-07-03")
        #expect(third.unanswered == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.unanswered_checked") == 2)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = 'UNANSWERED'") == 11)
        // A dry run reports what it would find but marks nothing as checked.
        try env.run("2020-06-20")
        try reconcile(env, [try statusFile(env, "4.csv", ["PK-4-T1-1,PAID,1000000,,,"])], dryRun: true, asOf: "2020-07-30")
        #expect(try env.count("SELECT count(*) FROM disbursement.unanswered_checked") == 2)
    }

    /// Payouts changed by hand make the kept totals drift; a recount says so and corrects them.
    @Test func aRecountFindsAndCorrectsTotalsChangedByHand() throws {
        let env = try Self.night()
        try reconcile(env, [try statusFile(env, "1.csv", ["PK-1-T1-1,PAID,1000000,,,", "PK-2-I1-1,FAILED,600000,AM04,,"])])
        let clean = try env.cli("report", "summary", "--recount")
        #expect(clean.status == 0 && clean.stdout.contains("the kept totals were right"))
        try env.connection.execute("UPDATE disbursement.payouts SET status = 'PAID' WHERE end_to_end_id = 'PK-3-I1-1'")
        #expect(try PayoutTotals.drift(env.connection) == 2)  // one fewer ISSUED, one more PAID
        let corrected = try env.cli("report", "summary", "--recount")
        #expect(corrected.status == 0 && corrected.stdout.contains("RECOUNTED: 2 kept total(s) differed"))
        #expect(try PayoutTotals.drift(env.connection) == 0)
    }

    @Test func outOfOrderFilesNeverMoveAPayoutBackwards() throws {
        let env = try Self.night()
        try reconcile(env, [try statusFile(env, "late.csv", ["PK-1-I1-1,PAID,600000,,,"])])
        let results = try reconcile(env, [try statusFile(env, "early.csv", ["PK-1-I1-1,PENDING,600000,,,"])])
        #expect(try status(env, "PK-1-I1-1") == "PAID")
        #expect(results.files[0].exceptionCount == 0)
        try reconcile(env, [try statusFile(env, "return.csv", ["PK-1-I1-1,RETURNED,600000,MD07,,"])])
        #expect(try status(env, "PK-1-I1-1") == "RETURNED")
    }

    @Test func pain002RejectionBeforeSettlementIsAFailure() throws {
        let env = try Self.night()
        let url = env.output.appending(path: "s.xml")
        try Data(StatusReaderTests.pain002("""
            <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
            <TxInfAndSts><OrgnlEndToEndId>PK-2-I1-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf></TxInfAndSts>
            """).utf8).write(to: url)
        try reconcile(env, [url.path])
        #expect(try status(env, "PK-1-I1-1") == "PAID")
        #expect(try status(env, "PK-2-I1-1") == "FAILED")
    }

    @Test func aMalformedFileImportsNothingAtAll() throws {
        let env = try Self.night()
        let good = try statusFile(env, "good.csv", ["PK-1-I1-1,PAID,600000,,,"])
        let bad = try statusFile(env, "bad.csv", ["PK-2-I1-1,PAID,600000,,,", "PK-3-I1-1,BOGUS,1,,,"])
        let before = try env.snapshot()
        let refused = try reconcile(env, [bad]).refused
        #expect(refused.count == 1 && refused[0].reason.contains("line 3"))
        #expect(try env.snapshot() == before)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 0)
        try reconcile(env, [good])
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 1)
    }

    @Test func aDryRunChangesNothing() throws {
        let env = try Self.night()
        let before = try env.snapshot()
        let results = try reconcile(env, [try statusFile(env, "a.csv", ["PK-1-I1-1,PAID,600000,,,"])], dryRun: true)
        #expect(results.files[0].applied["PAID"] == 1)
        #expect(try env.snapshot() == before)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 0)
    }

    @Test func theCLIExitsThreeOnExceptionsAndSixtyFiveOnABadFile() throws {
        let env = try Self.night()
        let exceptions = try env.cli("reconcile", try statusFile(env, "x.csv", ["PK-999-I1-1,PAID,1,,,"]))
        #expect(exceptions.status == 3, "\(exceptions.stderr)")
        #expect(exceptions.stdout.contains("UNKNOWN_REFERENCE"))
        let bad = try env.cli("reconcile", try statusFile(env, "y.csv", ["only,three,columns"]))
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("line 2"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
        // libxml2 reports through us, never on stderr by itself: one sentence, even for errors
        // in the input layer (a declared UTF-16 is read as the UTF-8 it must be).
        for (name, body) in [
            ("z.xml", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><a></b></Document>"),
            ("w.xml", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Document xmlns=\"urn:other\"/>"),
        ] {
            let url = env.output.appending(path: name)
            try Data(body.utf8).write(to: url)
            let refused = try env.cli("reconcile", url.path)
            #expect(refused.status == 65)
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        }
    }
}
