import Foundation
import Testing

@testable import Disbursement

/// Kills the real executable with SIGKILL at each checkpoint of a night, then runs the night
/// again and checks that nothing was lost or paid twice.
@Suite("crash safety")
struct CrashTests {
    static let checkpoints = [
        "members", "virtual accounts", "entitlements", "holds and payouts", "before-commit", "after-commit",
    ]

    static func populate(_ env: TestEnvironment) throws {
        try env.registry.decree("SK-1")
        for id in Int64(1)...40 { try env.registry.payableParticipant(id) }
        try env.registry.registrant(41, nik: "12")
        try env.registry.member(41)
    }

    @Test(arguments: checkpoints)
    func aNightKilledAtAnyPointIsCompletedByTheNextRun(_ checkpoint: String) throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        let reference = try TestEnvironment()
        try Self.populate(reference)
        let expected = try reference.run("2020-06-01").summary

        let killed = try env.cli("run", "--date", "2020-06-01", fault: checkpoint)
        #expect(killed.killedBySignal, "the run was not killed at \(checkpoint): \(killed.stderr)")
        let committed = try env.count("SELECT count(*) FROM disbursement.batches") == 1
        #expect(committed == (checkpoint == "after-commit"))
        // Before the commit nothing of the batch is there; after it, all of it.
        #expect(try env.count("SELECT count(*) FROM disbursement.virtual_accounts") == (committed ? 41 : 0))
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == (committed ? 120 : 0))

        let again = try env.cli("run", "--date", "2020-06-01", "--format", "json")
        #expect(again.status == 0, "\(again.stderr)")
        let summary = try RunSummary.fromJSON(again.stdout)
        #expect(summary == expected)
        try Invariants.check(env)
    }

    @Test func aSecondRunWhileTheFirstIsKilledNeverPaysTwice() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        _ = try env.cli("run", "--date", "2020-06-01", fault: "after-commit")
        let second = try env.cli("run", "--date", "2020-06-02")
        #expect(second.status == 0, "\(second.stderr)")
        try Invariants.check(env)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 120)
    }
}

/// What must hold after anything: no number twice, no entitlement in two live payouts,
/// no paid entitlement paid again.
enum Invariants {
    static func check(_ env: TestEnvironment) throws {
        #expect(try env.count("SELECT count(*) - count(DISTINCT va) FROM disbursement.virtual_accounts") == 0)
        #expect(try env.count(
            """
            SELECT count(*) FROM (SELECT 1 FROM disbursement.payouts WHERE status IN ('ISSUED', 'PENDING', 'PAID')
                                   GROUP BY registrant_id, kind, number HAVING count(*) > 1) x
            """) == 0)
        #expect(try env.count(
            """
            SELECT count(*) FROM disbursement.payouts p
             WHERE EXISTS (SELECT 1 FROM disbursement.payouts q WHERE q.registrant_id = p.registrant_id
                             AND q.kind = p.kind AND q.number = p.number AND q.attempt > p.attempt AND p.status = 'PAID')
            """) == 0)
    }
}
