import Foundation
import Testing

@testable import Disbursement

/// The rest of F3 of the outside attack on the night: a member whose qualifying completion
/// stopped qualifying (review blanked, rating changed) lost the later incentives and surveys
/// without a word, their holds simply released. The first qualifying day is kept once seen;
/// what it made owed stays owed, held COMPLETION_WITHDRAWN, and the night warns.
@Suite("withdrawn completions")
struct WithdrawnCompletionTests {
    @Test func aHeldMemberWhoseReviewIsBlankedStaysHeld() throws {
        let env = try DirtyRowTests.world()
        try env.registry.survey(1, number: 1, on: "2020-05-10")
        try env.connection.execute("UPDATE registry.payout_accounts SET status = 'closed' WHERE registrant_id = 1")
        try env.run("2020-06-01")
        #expect(try env.hold(1, "INCENTIVE", 2) == "NO_LINKED_ACCOUNT")
        #expect(try env.hold(1, "SURVEY", 1) == "NO_LINKED_ACCOUNT")

        try env.connection.execute("UPDATE registry.training_completions SET review = '  ' WHERE registrant_id = 1")
        let night = try env.cli("run", "--date", "2020-07-01")
        #expect(night.status == 0, "\(night.stderr)")
        for number in 1...3 { #expect(try env.hold(1, "INCENTIVE", number) == "COMPLETION_WITHDRAWN") }
        #expect(try env.hold(1, "SURVEY", 1) == "COMPLETION_WITHDRAWN")
        #expect(night.stderr.contains("COMPLETION_WITHDRAWN") && night.stderr.contains("1 participant"), "\(night.stderr)")
        #expect(try env.count(
            "SELECT held_count FROM disbursement.decree_proofs WHERE business_date = '2020-07-01' AND decree_no = 'SK-1'") >= 4)

        // The registry puts the review back: the earlier reason applies again.
        try env.connection.execute("UPDATE registry.training_completions SET review = 'Bagus' WHERE registrant_id = 1")
        try env.run("2020-07-02")
        #expect(try env.hold(1, "INCENTIVE", 3) == "NO_LINKED_ACCOUNT")
        try Invariants.check(env)
    }

    /// A paid member whose rating turns invalid, and whose later completion qualifies: the
    /// tranches still to come keep the first day's schedule, held.
    @Test func aPaidMemberWhoseRatingChangesKeepsTheRestHeld() throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        #expect(try env.payouts(2).contains("INCENTIVE2@BNI"))
        try env.connection.execute("UPDATE registry.training_completions SET rating = 0 WHERE registrant_id = 2")
        try env.registry.completion(2, on: "2020-06-20")
        try env.run("2020-07-01")
        #expect(try env.hold(2, "INCENTIVE", 3) == "COMPLETION_WITHDRAWN")
        #expect(try env.payouts(2).count == 3)
        #expect(try env.payouts(3).contains("INCENTIVE3@BNI"))
        try Invariants.check(env)
    }

    /// A completion found to be earlier moves the kept day earlier (the schedule follows it);
    /// nothing is held.
    @Test func anEarlierCompletionMovesTheKeptDayEarlier() throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        try env.registry.completion(3, on: "2020-04-15")
        try env.run("2020-06-02")
        #expect(try env.count(
            "SELECT count(*) FROM disbursement.first_completions WHERE registrant_id = 3 AND first_on = '2020-04-15'") == 1)
        #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE released_on IS NULL") == 0)
        #expect(try env.payouts(3).contains("INCENTIVE2@BNI"))
    }
}
