import Foundation
import Testing

@testable import Disbursement

/// The cases of issue 13 that moved money or stopped the night on dirty registry rows, each
/// reproduced as it was reported.
@Suite("dirty rows")
struct DirtyRowTests {
    static func world() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try DirtyRegistrySearchTests.distrustConstraints(env.connection)
        try env.registry.decree("SK-1")
        for id in Int64(1)...3 { try env.registry.payableParticipant(id) }
        return env
    }

    @Test func aMemberWithoutStatusIsNotApprovedAndStopsNobody() throws {
        let env = try Self.world()
        try env.registry.registrant(4)
        try env.connection.execute("INSERT INTO registry.decree_members VALUES ('SK-1', 4, NULL, now())")
        try env.registry.completion(4)
        try env.registry.account(4)
        let night = try env.cli("run", "--date", "2020-06-01")
        #expect(night.status == 0, "\(night.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id <> 4") == 9)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 4") == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.virtual_accounts WHERE registrant_id = 4") == 0)
    }

    @Test func anApprovalThatTurnsNullHoldsTheNextTranche() throws {
        let env = try Self.world()
        try env.run("2020-06-01")
        #expect(try env.payouts(1) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "TRAINING1@VA"])
        try env.connection.execute("UPDATE registry.decree_members SET status = NULL WHERE registrant_id = 1")
        try env.run("2020-07-01")
        #expect(try env.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try env.payouts(1).count == 3)
        #expect(try env.payouts(2).contains("INCENTIVE3@BNI"))
    }

    @Test(arguments: [
        ("OVO", nil, "NOT_UPGRADED_WRONG_PHONE"), ("OVO", "bank", ""), ("BNI", "ewallet", ""), ("BNI", "", ""), ("GOPAY", "EWALLET", ""),
    ] as [(String, String?, String)])
    func anAccountWhoseKindIsNotItsProvidersIsHeld(_ provider: String, _ kind: String?, _ variant: String) throws {
        let env = try Self.world()
        try env.connection.execute(
            """
            UPDATE registry.payout_accounts SET provider = $1, kind = $2, upgraded = $3, account_no = $4
             WHERE registrant_id = 1
            """, [provider, kind, variant.isEmpty, variant.isEmpty ? Registry.phone(1) : "6289999999999"])
        try env.run("2020-06-01")
        #expect(try env.hold(1, "INCENTIVE") == "ACCOUNT_KIND_MISMATCH")
        #expect(try env.payouts(1) == ["TRAINING1@VA"])
    }

    @Test func anEwalletNumberNotWrittenAs62IsNotPaid() throws {
        let env = try Self.world()
        try env.connection.execute(
            "UPDATE registry.payout_accounts SET provider = 'DANA', kind = 'ewallet', account_no = '81200000001' WHERE registrant_id = 1")
        try env.connection.execute("UPDATE registry.registrants SET phone = '81200000001' WHERE registrant_id = 1")
        try env.run("2020-06-01")
        #expect(try env.hold(1, "INCENTIVE") == "INVALID_ACCOUNT_NO")
    }

    @Test func theVAChannelIsNoProviderForIncentives() throws {
        let env = try Self.world()
        try env.connection.execute("UPDATE registry.payout_accounts SET provider = 'VA' WHERE registrant_id = 1")
        try env.run("2020-06-01")
        #expect(try env.hold(1, "INCENTIVE") == "UNSUPPORTED_CHANNEL")
    }

    @Test func duplicatedRowsNeitherStopTheNightNorPayTwice() throws {
        let env = try Self.world()
        try env.registry.survey(1, number: 1, on: "2020-05-10")
        try env.registry.survey(1, number: 1, on: "2020-05-12")
        try env.connection.executeScript(
            """
            INSERT INTO registry.decree_members SELECT * FROM registry.decree_members WHERE registrant_id = 1;
            INSERT INTO registry.registrants SELECT * FROM registry.registrants WHERE registrant_id = 2;
            INSERT INTO registry.decrees SELECT 'SK-9', 9, issued_on, training_amount, incentive_amount, incentive_tranches,
                   incentive_interval_days, survey_amount, survey_count, payable_until FROM registry.decrees;
            INSERT INTO registry.decrees SELECT * FROM registry.decrees WHERE decree_no = 'SK-9';
            """)
        try env.registry.registrant(4)
        try env.registry.member(4, decree: "SK-9")
        let night = try env.cli("run", "--date", "2020-06-01")
        #expect(night.status == 0, "\(night.stderr)")
        #expect(try env.payouts(1) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "SURVEY1@BNI", "TRAINING1@VA"])
        #expect(try env.hold(2, "TRAINING") == "INVALID_NIK")
        #expect(try env.hold(4, "TRAINING") == "INVALID_DECREE")
        #expect(night.stderr.contains("SK-9"), "\(night.stderr)")
        #expect(try env.payouts(3).count == 3)
    }

    @Test func aDecreeFixedLaterPaysItsMembersThen() throws {
        let env = try Self.world()
        try env.connection.execute("UPDATE registry.decrees SET issued_on = NULL")
        try env.run("2020-06-01")
        #expect(try env.hold(1, "TRAINING") == "INVALID_DECREE")
        #expect(try env.hold(1, "INCENTIVE", 2) == "INVALID_DECREE")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 0)
        try env.connection.execute("UPDATE registry.decrees SET issued_on = '2020-04-01'")
        try env.run("2020-06-02")
        #expect(try env.payouts(1) == ["INCENTIVE1@BNI", "INCENTIVE2@BNI", "TRAINING1@VA"])
        #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE released_on IS NULL") == 0)
    }

    /// The hold codes' precedence is written twice (the CASE of the night and HoldReason); they
    /// must agree.
    @Test func holdReasonOrderIsTheNightsPrecedence() throws {
        let sql = EligibilitySQL.decisions
        var order: [String] = []
        guard let start = sql.range(of: "AS attempt,") else { Issue.record("the decisions CASE moved"); return }
        var rest = sql[start.upperBound...]
        while let then = rest.range(of: "THEN '") {
            let tail = rest[then.upperBound...]
            guard let end = tail.firstIndex(of: "'") else { break }
            let code = String(tail[..<end])
            if !order.contains(code) { order.append(code) }
            rest = tail[end...]
        }
        #expect(order == HoldReason.allCases.map(\.rawValue))
    }
}
