import Foundation
import Logging
import Testing

@testable import Disbursement

/// SPEC §7's state machine by example: forward moves only, conflicts held until resolved,
/// double payments with the amount to recover, several lines for one payout in one file.
@Suite("status state machine")
struct StatusStateMachineTests {
    let recon = ReconcilerTests()

    func status(_ env: TestEnvironment, _ reference: String) throws -> String {
        try recon.status(env, reference)
    }

    func openExceptions(_ env: TestEnvironment, _ reference: String) throws -> [String] {
        try env.connection.query(
            """
            SELECT kind FROM disbursement.recon_exceptions
             WHERE end_to_end_id = $1 AND kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND resolution_id IS NULL
             ORDER BY exception_id
            """, [reference]
        ).map { try $0.decode(0, as: String.self) }
    }

    /// The issue's case: one file says PAID, then RETURNED. The money came back, so the
    /// payout ends RETURNED and the entitlement is due again.
    @Test func paidThenReturnedInOneFileEndsReturnedAndIsDueAgain() throws {
        let env = try ReconcilerTests.night()
        let file = try recon.statusFile(env, "a.csv", ["PK-1-I1-1,PAID,600000,,,2020-06-02", "PK-1-I1-1,RETURNED,600000,XX99,,2020-06-03"])
        let outcome = try recon.reconcile(env, [file])
        #expect(outcome.files[0].applied == ["PAID": 1, "RETURNED": 1])
        #expect(outcome.files[0].exceptionCount == 0)
        #expect(try status(env, "PK-1-I1-1") == "RETURNED")
        try env.run("2020-06-02")
        #expect(try status(env, "PK-1-I1-2") == "ISSUED")
    }

    /// Lines for one payout apply in settled_at order (instants, whatever their zone), then file order.
    @Test func linesOfOnePayoutApplyInSettledAtOrder() throws {
        let env = try ReconcilerTests.night()
        // Written RETURNED first, but settled after the PAID line: 03:30Z is 10:30 in Jakarta.
        try recon.reconcile(env, [try recon.statusFile(env, "a.csv", [
            "PK-1-I1-1,RETURNED,600000,XX99,,2020-06-02T03:30:00Z",
            "PK-1-I1-1,PAID,600000,,,2020-06-02 10:00:00+07:00",
            // Same instant: file order decides (PENDING then PAID).
            "PK-2-I1-1,PENDING,600000,,,2020-06-02T10:00",
            "PK-2-I1-1,PAID,600000,,,2020-06-02T10:00",
            // No settled_at: after those with one.
            "PK-3-I1-1,RETURNED,600000,XX99,,",
            "PK-3-I1-1,PAID,600000,,,2020-06-02",
        ])])
        #expect(try status(env, "PK-1-I1-1") == "RETURNED")
        #expect(try status(env, "PK-2-I1-1") == "PAID")
        #expect(try status(env, "PK-3-I1-1") == "RETURNED")
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions") == 0)
    }

    /// Only identical lines are duplicates; an identical line is one even after another line.
    @Test func onlyIdenticalLinesAreDuplicates() throws {
        let env = try ReconcilerTests.night()
        let outcome = try recon.reconcile(env, [try recon.statusFile(env, "a.csv", [
            "PK-1-I1-1,PENDING,600000,,,2020-06-02T09:00",
            "PK-1-I1-1,PAID,600000,,,2020-06-02T10:00",
            "PK-1-I1-1,PENDING,600000,,,2020-06-02T09:00",
            "PK-1-I1-1,PAID,600000,,bank says settled,2020-06-02T10:00",
        ])])
        #expect(outcome.files[0].exceptions == ["DUPLICATE_LINE": 1])
        #expect(outcome.files[0].unchanged == 1)
        #expect(try status(env, "PK-1-I1-1") == "PAID")
    }

    struct Move: Sendable, CustomTestStringConvertible {
        let first: String
        let then: String
        let ends: String
        let conflict: Bool
        var testDescription: String { "\(then) after \(first) → \(ends)\(conflict ? ", STATUS_CONFLICT" : "")" }
    }

    static let moves: [Move] = [
        Move(first: "PAID", then: "RETURNED", ends: "RETURNED", conflict: false),
        Move(first: "PAID", then: "PENDING", ends: "PAID", conflict: false),
        Move(first: "PAID", then: "PAID", ends: "PAID", conflict: false),
        Move(first: "PAID", then: "FAILED", ends: "PAID", conflict: true),
        Move(first: "FAILED", then: "PAID", ends: "FAILED", conflict: true),
        Move(first: "FAILED", then: "RETURNED", ends: "FAILED", conflict: true),
        Move(first: "FAILED", then: "FAILED", ends: "FAILED", conflict: false),
        Move(first: "FAILED", then: "PENDING", ends: "FAILED", conflict: false),
        Move(first: "RETURNED", then: "PAID", ends: "RETURNED", conflict: true),
        Move(first: "RETURNED", then: "FAILED", ends: "RETURNED", conflict: true),
        Move(first: "RETURNED", then: "RETURNED", ends: "RETURNED", conflict: false),
        Move(first: "RETURNED", then: "PENDING", ends: "RETURNED", conflict: false),
        Move(first: "PENDING", then: "FAILED", ends: "FAILED", conflict: false),
        Move(first: "PENDING", then: "RETURNED", ends: "RETURNED", conflict: false),
    ]

    /// Every move across two files; a conflict keeps the status and holds the entitlement at
    /// the next nights with no new attempt, even while the payout is live.
    @Test(arguments: moves)
    func aMoveAcrossTwoFiles(_ move: Move) throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,\(move.first),600000,XX99,,"])])
        let outcome = try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,\(move.then),600000,XX98,,"])])
        #expect(try status(env, "PK-1-I1-1") == move.ends)
        #expect(outcome.files[0].exceptions == (move.conflict ? ["STATUS_CONFLICT": 1] : [:]))
        for date in ["2020-06-02", "2020-06-03"] {
            try env.run(date)
            #expect(try env.hold(1, "INCENTIVE") == (move.conflict ? "STATUS_CONFLICT" : nil), "\(date)")
            let attempts = try env.count("SELECT count(*) FROM disbursement.payouts WHERE end_to_end_id LIKE 'PK-1-I1-%'")
            #expect(attempts == (move.conflict || ["PAID", "PENDING"].contains(move.ends) ? 1 : 2), "\(date)")
        }
    }

    /// pain.002 has no return: a rejection after ACSC contradicts the settlement (SPEC §7,
    /// "FAILED after PAID"), so finance decides; guessing "returned" would pay again.
    @Test func pain002RejectionAfterSettlementIsAConflict() throws {
        let env = try ReconcilerTests.night()
        let url = env.output.appending(path: "s.xml")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data(StatusReaderTests.pain002("""
            <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
            """).utf8).write(to: url)
        try recon.reconcile(env, [url.path])
        let later = env.output.appending(path: "s2.xml")
        try Data(StatusReaderTests.pain002("""
            <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>MD07</Cd></Rsn></StsRsnInf></TxInfAndSts>
            """).utf8).write(to: later)
        let outcome = try recon.reconcile(env, [later.path])
        #expect(outcome.files[0].exceptions == ["STATUS_CONFLICT": 1])
        #expect(try status(env, "PK-1-I1-1") == "PAID")
    }

    /// Attempt 1 failed, attempt 2 went out, then attempt 1 is reported PAID: a double payment
    /// with the amount to recover, held, listed until finance resolves it.
    @Test func anEarlierAttemptPaidWhileALaterIsLiveIsADoublePayment() throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,"])])
        try env.run("2020-06-02")
        #expect(try status(env, "PK-1-I1-2") == "ISSUED")
        let outcome = try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,", "PK-1-I1-2,PAID,600000,,,"])])
        #expect(outcome.files[0].exceptions == ["DOUBLE_PAYMENT": 1])
        #expect(try status(env, "PK-1-I1-1") == "FAILED")
        #expect(try status(env, "PK-1-I1-2") == "PAID")
        #expect(try env.count("SELECT amount_to_recover FROM disbursement.recon_exceptions WHERE kind = 'DOUBLE_PAYMENT'") == 600_000)
        let report = try env.cli("report", "reconciliation")
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("PK-1-I1-1") && report.stdout.contains("DOUBLE_PAYMENT"))
        #expect(report.stdout.contains("Rp600,000 to recover"), "\(report.stdout)")
        try env.run("2020-06-03")
        #expect(try env.hold(1, "INCENTIVE") == "STATUS_CONFLICT")
        // Attempt 2 comes back: still no attempt 3 while the double payment is open.
        try recon.reconcile(env, [try recon.statusFile(env, "3.csv", ["PK-1-I1-2,RETURNED,600000,XX99,,"])])
        try env.run("2020-06-04")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE end_to_end_id LIKE 'PK-1-I1-%'") == 2)
        // Finance: attempt 1 did pay; attempt 2's money came back. The entitlement is paid once.
        let resolved = try env.cli("resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "bank statement 2020-06-05 shows it credited")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(try status(env, "PK-1-I1-1") == "PAID")
        #expect(try PayoutTotals.drift(env.connection) == 0)
        let after = try env.cli("report", "reconciliation", "--open", "--format", "csv")
        #expect(!after.stdout.contains("PK-1-I1-1"), "\(after.stdout)")
        try env.run("2020-06-05")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE end_to_end_id LIKE 'PK-1-I1-%'") == 2)
    }

    /// PAID after FAILED with no later attempt: held, no new attempt; resolved FAILED, the
    /// hold releases and the next attempt goes out the night after.
    @Test func aResolvedConflictReleasesItsHoldAtTheNextNight() throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,", "PK-2-I1-1,PAID,600000,,,"])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,", "PK-2-I1-1,FAILED,600000,AC04,,"])])
        try env.run("2020-06-02")
        #expect(try env.hold(1, "INCENTIVE") == "STATUS_CONFLICT")
        #expect(try env.hold(2, "INCENTIVE") == "STATUS_CONFLICT")  // its payout stays PAID, live
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE attempt > 1") == 0)
        // The holds report lists both.
        let holds = try env.cli("report", "holds", "--format", "csv")
        #expect(holds.stdout.components(separatedBy: "STATUS_CONFLICT").count - 1 == 2, "\(holds.stdout)")

        let first = try env.cli("resolve", "PK-1-I1-1", "--status", "FAILED", "--reason", "channel confirms the credit was rejected")
        #expect(first.status == 0, "\(first.stderr)")
        let second = try env.cli("resolve", "PK-2-I1-1", "--status", "paid", "--reason", "rejection was sent in error")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try PayoutTotals.drift(env.connection) == 0)
        // Recorded with who, when and why; the run log has the command.
        let who = try env.connection.queryOne(
            "SELECT db_user = session_user, os_user <> '', resolved_at IS NOT NULL, reason FROM disbursement.resolutions WHERE end_to_end_id = 'PK-1-I1-1'")
        #expect(try who.decode(0, as: Bool.self) && who.decode(1, as: Bool.self) && who.decode(2, as: Bool.self))
        #expect(try who.decode(3, as: String.self) == "channel confirms the credit was rejected")
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE command = 'resolve' AND outcome = 'succeeded' AND exit_code = 0") == 2)
        // The hold stays until the night; then it releases and attempt 2 of participant 1 goes out.
        #expect(try env.hold(1, "INCENTIVE") == "STATUS_CONFLICT")
        try env.run("2020-06-03")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.hold(2, "INCENTIVE") == nil)
        #expect(try status(env, "PK-1-I1-2") == "ISSUED")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 2 AND kind = 'INCENTIVE' AND number = 1") == 1)
    }

    @Test func resolveRefusesWhatItCannotSettle() throws {
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,"])])
        try env.run("2020-06-02")
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,"])])
        let cases: [([String], Int32, String)] = [
            (["PK-999-I1-1", "--status", "PAID", "--reason", "x"], 64, "No payout"),
            (["PK-2-I1-1", "--status", "PAID", "--reason", "x"], 64, "nothing to resolve"),
            (["PK-1-I1-1", "--status", "PENDING", "--reason", "x"], 64, "PAID, FAILED or RETURNED"),
            (["PK-1-I1-1", "--status", "RETURNED", "--reason", "  "], 64, "--reason"),
            // Attempt 2 is live: the entitlement cannot be paid twice.
            (["PK-1-I1-1", "--status", "PAID", "--reason", "x"], 64, "PK-1-I1-2"),
        ]
        for (arguments, code, text) in cases {
            let before = try env.snapshot()
            let result = try CLI.run(["resolve"] + arguments, environment: env.cliEnvironment)
            #expect(result.status == code, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(try env.snapshot() == before)
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE command = 'resolve' AND exit_code = 64") == 5)
        #expect(try openExceptions(env, "PK-1-I1-1") == ["DOUBLE_PAYMENT"])
        // Another job holds the lock: 75, nothing settled.
        let holder = try env.database.connect()
        #expect(try holder.tryAdvisoryLock(RunLock.key))
        let busy = try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", "recovered")
        #expect(busy.status == 75, "\(busy.stderr)")
        #expect(try openExceptions(env, "PK-1-I1-1") == ["DOUBLE_PAYMENT"])
        _ = try holder.advisoryUnlock(RunLock.key)
        let settled = try env.cli("resolve", "PK-1-I1-1", "--status", "RETURNED", "--reason", "recovered from the participant")
        #expect(settled.status == 0, "\(settled.stderr)")
        #expect(settled.stdout.contains("FAILED → RETURNED"))
        #expect(try openExceptions(env, "PK-1-I1-1") == [])
    }

    /// A decree past payable_until does not expire an entitlement whose conflict is open: the
    /// money may have been paid. It stays held; once resolved unpaid, it expires.
    @Test func anOpenConflictIsNotExpired() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1", payableUntil: "2020-06-10")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-01")
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,"])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,"])])
        try env.run("2020-06-11")
        #expect(try env.hold(1, "INCENTIVE") == "STATUS_CONFLICT")
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 0)
        let resolved = try env.cli("resolve", "PK-1-I1-1", "--status", "FAILED", "--reason", "never credited")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        try env.run("2020-06-12")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 1)
    }

    @Test func settlementTimesAreInstants() {
        let jakarta = SettlementTime.microseconds("2020-06-02T10:00")
        #expect(jakarta == SettlementTime.microseconds("2020-06-02T03:00:00Z"))
        #expect(jakarta == SettlementTime.microseconds("2020-06-02 05:00:00+02:00"))
        #expect(jakarta == SettlementTime.microseconds("2020-06-02T04:00:00.000+0100"))
        #expect(SettlementTime.microseconds("1970-01-01T00:00:00Z") == 0)
        #expect(SettlementTime.microseconds("2020-06-02T10:00:00.5+07:00")! - jakarta! == 500_000)
        #expect(SettlementTime.microseconds("2020-02-29")! < SettlementTime.microseconds("2020-03-01")!)
        for bad in ["2021-02-29", "2020-13-01", "2020-06-02T25:00", "2020-06-02T10:00junk", "2020-06-02T", "x", "",
                    "2020-06-02T10:00:00.", "2020-06-02T10:00+7"] {
            #expect(SettlementTime.microseconds(bad) == nil, "\(bad)")
        }
        #expect(SettlementTime.microseconds("0001-01-01") != nil)
        #expect(SettlementTime.microseconds("9999-12-31T23:59:59.999999999-23:59") != nil)
    }
}
