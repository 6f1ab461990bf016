import Foundation
import Testing

@testable import Disbursement

/// The outside tester's findings on the state machine and `disburse resolve` (attack-recon),
/// each replayed against a real database.
@Suite("reconciliation attack findings")
struct ReconciliationAttackTests {
    let recon = ReconcilerTests()

    func status(_ env: TestEnvironment, _ reference: String) throws -> String {
        try recon.status(env, reference)
    }

    func attempts(_ env: TestEnvironment, _ registrant: Int64) throws -> Int {
        try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = \(registrant) AND kind = 'INCENTIVE' AND number = 1")
    }

    /// Attempt 1 FAILED, attempt 2 out, both reported PAID (a double payment on attempt 1).
    func doublePayment() throws -> TestEnvironment {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,"])])
        try env.run("2020-06-02")
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,", "PK-1-I1-2,PAID,600000,,,"])])
        return env
    }

    /// e5: attempt 2's money came back through the channel; settling attempt 1 RETURNED as the
    /// docs advised made a third attempt. Now refused: attempt 1's payment is the one kept.
    @Test func aDoublePaymentWhoseOtherAttemptCameBackIsSettledPaid() throws {
        let env = try doublePayment()
        try recon.reconcile(env, [try recon.statusFile(env, "3.csv", ["PK-1-I1-2,RETURNED,600000,XX99,,"])])
        try env.run("2020-06-03")
        for settled in ["RETURNED", "FAILED"] {
            let refused = try env.cli("resolve", "PK-1-I1-1", "--status", settled, "--reason", "one of the two payments recovered")
            #expect(refused.status == 64, "\(refused.stderr)")
            #expect(refused.stderr.contains("settle it as PAID"), "\(refused.stderr)")
        }
        let settled = try env.cli("resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "attempt 2 came back, attempt 1 kept")
        #expect(settled.status == 0, "\(settled.stderr)")
        try env.run("2020-06-04")
        try env.run("2020-06-05")
        #expect(try attempts(env, 1) == 2)
        #expect(try PayoutTotals.drift(env.connection) == 0)
    }

    /// Finance recovers attempt 2's money before the channel says so: the recovered attempt is
    /// settled RETURNED; attempt 1's double payment then stays open until settled PAID.
    @Test func theRecoveredAttemptOfADoublePaymentCanBeSettled() throws {
        let env = try doublePayment()
        let recovered = try env.cli("resolve", "PK-1-I1-2", "--status", "RETURNED", "--reason", "we recovered attempt 2")
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(try status(env, "PK-1-I1-2") == "RETURNED")
        // Not for a payout that is not PAID, nor as anything but RETURNED.
        #expect(try env.cli("resolve", "PK-1-I1-2", "--status", "RETURNED", "--reason", "again").status == 64)
        #expect(try env.cli("resolve", "PK-2-I1-1", "--status", "RETURNED", "--reason", "no double payment").status == 64)
        #expect(try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", "x").status == 64)
        #expect(try env.cli("resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "kept").status == 0)
        try env.run("2020-06-03")
        try env.run("2020-06-04")
        #expect(try attempts(env, 1) == 2)
        #expect(try PayoutTotals.drift(env.connection) == 0)
    }

    /// While attempt 2 is live, settling attempt 1 RETURNED leaves the entitlement on attempt 2,
    /// and the message says so instead of "due again at the next night".
    @Test func resolveSaysWhichAttemptTheEntitlementRestsOn() throws {
        let env = try doublePayment()
        let settled = try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", "attempt 1 recovered")
        #expect(settled.status == 0, "\(settled.stderr)")
        #expect(!settled.stdout.contains("due again"), "\(settled.stdout)")
        #expect(settled.stdout.contains("PK-1-I1-2"), "\(settled.stdout)")
    }

    /// e1: an expired entitlement whose payout is settled PAID is paid, not also expired.
    @Test func anExpiredEntitlementSettledPaidIsNoLongerExpired() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1", payableUntil: "2020-06-10")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-01")
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,"])])
        try env.run("2020-06-11")
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 1)
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,"])])
        try env.run("2020-06-12")
        let settled = try env.cli("resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "bank statement shows the credit")
        #expect(settled.status == 0, "\(settled.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 0)
        try env.run("2020-06-13")
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 0)
        #expect(try env.hold(1, "INCENTIVE") == nil)
        let summary = try env.cli("report", "summary")
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(!summary.stdout.contains("Expired (back to the treasury): 1"), "\(summary.stdout)")
    }

    /// e6/e10: a reason of blanks and newlines is refused; a bad --status lists only what may be given.
    @Test func resolveRefusesBlankReasonsAndListsOnlyFinalStatuses() throws {
        let env = try doublePayment()
        for reason in ["\n", " \n\t ", "\r\n"] {
            let result = try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", reason)
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("--reason"), "\(result.stderr)")
        }
        let issued = try env.cli("resolve", "PK-1-I1-1", "--status", "ISSUED", "--reason", "x")
        #expect(issued.status == 64)
        #expect(issued.stderr.contains("RETURNED") && !issued.stderr.contains("PENDING"), "\(issued.stderr)")
    }

    /// e10: the OS user is the account the process runs as, not whatever $USER says.
    @Test func theOperatingSystemUserIsNotTakenFromTheEnvironment() throws {
        let recorded = OperatingSystemUser.current(environment: ["USER": "cfo", "SUDO_USER": "mallory"])
        #expect(!recorded.hasPrefix("cfo"), "\(recorded)")
        #expect(recorded.contains("USER=cfo") && recorded.contains("SUDO_USER=mallory"), "\(recorded)")
        let plain = OperatingSystemUser.current(environment: [:])
        #expect(!plain.isEmpty && !plain.contains("("), "\(plain)")
    }
}

extension ReconciliationAttackTests {
    /// e2: the same double payment in two files is one payment to recover, one open exception.
    @Test func aDoublePaymentReportedTwiceIsRecoveredOnce() throws {
        let env = try doublePayment()
        let again = try recon.reconcile(env, [try recon.statusFile(env, "2b.csv", ["PK-1-I1-1,PAID,600000,,,", "PK-1-I1-2,PAID,600000,,,"])])
        #expect(again.files[0].exceptionCount == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = 'DOUBLE_PAYMENT'") == 1)
        // Exceptions recorded twice by an older build still count once per payout.
        try env.connection.execute(
            """
            INSERT INTO disbursement.recon_exceptions (file_id, line_no, kind, end_to_end_id, registrant_id, amount, amount_to_recover, detail)
            SELECT file_id, line_no + 100, kind, end_to_end_id, registrant_id, amount, amount_to_recover, detail
              FROM disbursement.recon_exceptions WHERE kind = 'DOUBLE_PAYMENT'
            """)
        let report = try env.cli("report", "reconciliation")
        #expect(report.stdout.contains("Rp600,000 to recover"), "\(report.stdout)")
        let settled = try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", "attempt 1 recovered", "--output", "json")
        #expect(settled.status == 0, "\(settled.stderr)")
        #expect(settled.stdout.contains("\"amount_to_recover\":600000") || settled.stdout.contains("\"amount_to_recover\" : 600000"), "\(settled.stdout)")
    }

    /// e3: a channel re-sending a payout's history (PAID, then RETURNED, then PAID again in a
    /// cumulative file) is a status already passed: no conflict, no double payment.
    @Test func aPaidLineAlreadyPassedIsUnchanged() throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-01T10:00"])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,RETURNED,600000,XX99,,2020-06-02T10:00"])])
        try env.run("2020-06-03")
        #expect(try status(env, "PK-1-I1-2") == "ISSUED")
        let again = try recon.reconcile(env, [try recon.statusFile(env, "3.csv", [
            "PK-1-I1-1,PAID,600000,,,2020-06-01T10:00", "PK-1-I1-1,RETURNED,600000,XX99,,2020-06-02T10:00",
            // Never PAID before it was RETURNED: PAID after RETURNED is still a conflict.
            "PK-2-I1-1,RETURNED,600000,XX99,,2020-06-02T10:00", "PK-2-I1-1,PAID,600000,,,2020-06-03T10:00",
        ])])
        #expect(again.files[0].exceptions == ["STATUS_CONFLICT": 1], "\(again.files[0])")
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE end_to_end_id = 'PK-1-I1-1'") == 0)
        #expect(try status(env, "PK-1-I1-1") == "RETURNED")
    }

    /// e8: the forms banks send are read as instants; an unreadable settled_at refuses the file.
    @Test func settledAtFormsBanksSendAndUnreadableOnes() throws {
        let nine = SettlementTime.microseconds("2020-05-02T09:00:00+07:00")
        for text in ["2020-05-02 09:00:00 +0700", "2020-05-02T09:00+07", "2020-05-02T02:00:00Z", "2020-05-02T02:00:00.000Z",
                     "2020-05-02 02:00:00 Z", "2020-05-02T09:00:00.000000+07:00", "2020-05-01T19:00:00-07:00"] {
            #expect(SettlementTime.microseconds(text) == nine, "\(text)")
        }
        #expect(SettlementTime.microseconds("2020-05-01T24:00") == SettlementTime.microseconds("2020-05-02"))
        for text in ["2020-05-02T25:99", "2020-05-02T10:00:00+07:00junk", "2020-13-45", "2020-02-30T10:00", "2020-05-02T24:01",
                     "2020-05-02T24:00:00.5", "2020-05-02T10:00 ", "2020-05-02 ", "2020-05-02T10:00:00 "] {
            #expect(SettlementTime.microseconds(text) == nil, "\(text)")
        }
        let env = try ReconcilerTests.night()
        let ordered = try recon.reconcile(env, [try recon.statusFile(env, "a.csv", [
            "PK-1-I1-1,RETURNED,600000,XX99,,2020-05-02T10:00:00+07:00", "PK-1-I1-1,PAID,600000,,,2020-05-02 09:00:00 +0700",
        ])])
        #expect(ordered.files[0].exceptionCount == 0)
        #expect(try status(env, "PK-1-I1-1") == "RETURNED")
        let before = try env.snapshot()
        let file = try recon.statusFile(env, "b.csv", ["PK-2-I1-1,PAID,600000,,,2020-06-02", "PK-2-I1-1,FAILED,600000,AM04,,2020-13-45"])
        let refused = try env.cli("reconcile", "--as-of", "2020-06-02", file)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("settled_at") && refused.stderr.contains("3"), "\(refused.stderr)")
        #expect(try env.snapshot() == before)
    }

    /// e12: a settlement that moves a payout makes the funnel snapshot out of date.
    @Test func theFunnelIsOutOfDateAfterAResolve() throws {
        let env = try doublePayment()
        _ = try FunnelSnapshot.take(env.connection)
        #expect(try env.count("SELECT count(*) FROM disbursement_reports.funnel_snapshots WHERE up_to_date") == 1)
        let settled = try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", "attempt 1 recovered")
        #expect(settled.status == 0, "\(settled.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement_reports.funnel_snapshots WHERE up_to_date") == 0)
    }
}

extension ReconciliationAttackTests {
    /// `unknown.xml`: a pain.002 answering PK-1-I1-1 with a status code the tool does not know
    /// (UNKNOWN_STATUS; a CSV with one is refused whole).
    static func unknownStatusFile(_ env: TestEnvironment) throws -> URL {
        let url = env.output.appending(path: "unknown.xml")
        try Data("""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
            <OrgnlGrpInfAndSts><OrgnlMsgId>DSB-20200601-BNI-001</OrgnlMsgId></OrgnlGrpInfAndSts>
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId>
              <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>RVNA</TxSts></TxInfAndSts>
            </OrgnlPmtInfAndSts>
            </CstmrPmtStsRpt></Document>
            """.utf8).write(to: url)
        return url
    }

    /// Every kind of exception the schema allows has its column in `report reconciliation`, so
    /// a file's kinds add up to its exceptions. UNKNOWN_STATUS and DUPLICATE_MESSAGE had none: a
    /// file of status codes the tool does not know showed exceptions no column explained.
    @Test func everyExceptionKindHasItsColumnAndTheKindsAddUp() throws {
        let env = try ReconcilerTests.night()
        let url = try Self.unknownStatusFile(env)
        #expect(try env.cli("reconcile", url.path, "--as-of", "2020-06-02").status == 3)
        // The kinds as the schema's check lists them, not as the report knows them.
        let check = try env.connection.queryOne(
            """
            SELECT pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'disbursement.recon_exceptions'::regclass AND pg_get_constraintdef(oid) LIKE '%UNANSWERED%'
            """).decode(0, as: String.self)
        let kinds = check.matches(of: /'([A-Z_]+)'/).map { String($0.1).lowercased() }
        #expect(kinds.count == 8, "\(check)")
        let report = try env.cli("report", "reconciliation", "--format", "csv")
        #expect(report.status == 0, "\(report.stderr)")
        let lines = report.stdout.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first { $0.first == "imported_at" })
        for kind in kinds { #expect(header.contains(kind), "no column for \(kind)") }
        let rows = lines.filter { $0.count == header.count && $0 != header }
        #expect(!rows.isEmpty, "\(report.stdout)")
        for row in rows {
            let value = { (name: String) -> Int in header.firstIndex(of: name).flatMap { Int(row[$0]) } ?? -1 }
            #expect(kinds.map(value).reduce(0, +) == value("exceptions"), "\(row)")
            if row.contains("unknown.xml") { #expect(value("unknown_status") == 1, "\(row)") }
        }
    }
}
