import Foundation
import Testing

@testable import Disbursement

/// helper-27's attacks on issue 15 (incremental nights), each failing before its fix: the same
/// registry changes through a `--full` side and an incremental side, compared with
/// `IncrementalNightTests.expectEqual`.
@Suite("attack 27: incremental nights")
struct Attack27IncrementalTests {
    static func twoWorlds(_ setup: (TestEnvironment) throws -> Void) throws -> (TestEnvironment, TestEnvironment) {
        let full = try IncrementalNightTests.world()
        let incremental = try IncrementalNightTests.world()
        for env in [full, incremental] { try setup(env) }
        return (full, incremental)
    }

    static func nights(_ full: TestEnvironment, _ incremental: TestEnvironment, _ nights: [(String, String?)]) throws {
        for (night, change) in nights {
            try full.run(night, full: true)
            try incremental.run(night)
            try IncrementalNightTests.expectEqual(full, incremental, "night \(night)")
            if let change {
                for env in [full, incremental] { try env.connection.executeScript(change) }
            }
        }
    }

    /// A person with a VA whose membership row vanished takes the decree of their last payout
    /// (`members`' second branch). A change to that decree touches only registrants listed in
    /// registry.decree_members with it, so this person is never decided again until the old
    /// next_check_on: the full night holds the tranches the shorter interval made due.
    @Test func attack27DecreeChangeReachesMemberWithoutMembershipRow() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
        }
        try Self.nights(full, incremental, [
            ("2020-06-01", "DELETE FROM registry.decree_members WHERE registrant_id = 1"),
            ("2020-06-02", "UPDATE registry.decrees SET incentive_interval_days = 10 WHERE decree_no = 'SK-1'"),
            ("2020-06-03", nil),
        ])
        #expect(try full.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
    }

    /// The same through payable_until: the full night expires the person's unpaid tranches the
    /// night after payable_until, the incremental night only on their next tranche day.
    @Test func attack27PayableUntilReachesMemberWithoutMembershipRow() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
        }
        try Self.nights(full, incremental, [
            ("2020-06-01", "DELETE FROM registry.decree_members WHERE registrant_id = 1"),
            ("2020-06-02", "UPDATE registry.decrees SET payable_until = '2020-06-02' WHERE decree_no = 'SK-1'"),
            ("2020-06-03", nil),
            ("2020-06-30", nil),
        ])
    }

    /// A dump restored into a new cluster (or a logical-replication move to a new server): the
    /// xid counter starts again far below the horizon night_scopes kept. Simulated by moving the
    /// kept horizon ahead of the counter. `now - horizon` is negative, not "wrapped", and no row
    /// is news: a participant approved since the last batch gets no VA, and never will, since
    /// the next horizon is past their row's xmin.
    @Test func attack27HorizonAheadOfTheCounter() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            // 3 is revoked at first; the approval after the restore is an UPDATE (no new row,
            // so the row count cannot tell).
            // (No completion yet: a revoked member with one would be held NOT_APPROVED, touched nightly.)
            try env.registry.registrant(3)
            try env.registry.member(3, status: "revoked")
            try env.registry.account(3)
        }
        try Self.nights(full, incremental, [("2020-06-01", nil)])
        for env in [full, incremental] {
            try env.connection.execute(
                "UPDATE disbursement.night_scopes SET registry_horizon = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8")
            try env.connection.execute("UPDATE registry.decree_members SET status = 'approved' WHERE registrant_id = 3")
        }
        try Self.nights(full, incremental, [("2020-06-02", nil), ("2020-06-03", nil)])
        #expect(try incremental.payouts(3).contains("TRAINING1@VA"))
    }

    /// The night is full when "the tool version differs", but ToolVersion.current has been
    /// "0.1.0" for the project's whole history, while migrations change the rules the kept
    /// state was computed with (0050 changed normalize_phone, and with it e-wallet keys in
    /// account_numbers). Simulated: a migration changes account_key (leading zeros no longer
    /// tell numbers apart). The full night rebuilds account_numbers and holds participant 1
    /// SHARED_ACCOUNT (registrant 2's "01" is now the same number as 1's "001"); the incremental
    /// night keeps both old keys and pays the shared number.
    @Test func attack27RuleChangedByAMigrationKeepsStaleAccountNumbers() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.registrant(2)
            try env.registry.account(2, number: "01")
        }
        let migration = """
            CREATE OR REPLACE FUNCTION disbursement.account_key(account_no text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT ltrim(translate(regexp_replace(coalesce(account_no, ''), '[^0-9A-Za-z]', '', 'g'),
                                       'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), '0')
            $$;
            REINDEX INDEX disbursement.payouts_by_account;
            """
        try Self.nights(full, incremental, [("2020-06-01", migration), ("2020-06-30", nil)])
        #expect(try full.hold(1, "INCENTIVE", 3) == "SHARED_ACCOUNT")
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "SHARED_ACCOUNT")
    }

    /// F4: the night counts the registry's membership rows (the total the next night compares
    /// with) early and keeps each touched registrant's count late. A row the platform commits
    /// in between, for a registrant the night touches, was in the registrant's kept count but
    /// not in the total: the next night the table had one row more than the kept counts
    /// explained, which hid one membership row deleted from someone untouched, and the deleted
    /// member was paid. The night reads one snapshot (REPEATABLE READ) since.
    @Test func attack27RowCommittedMidNightHidesADeletion() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.decree("SK-90")
            try env.connection.execute("UPDATE registry.decrees SET incentive_interval_days = 90 WHERE decree_no = 'SK-90'")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
            // 3 is held NO_LINKED_ACCOUNT: touched every night.
            try env.registry.registrant(3)
            try env.registry.member(3)
            try env.registry.completion(3)
        }
        let duplicate = "INSERT INTO registry.decree_members VALUES ('SK-1', 3, 'approved', '2020-04-02')"
        try Self.nights(full, incremental, [
            ("2020-06-01", "UPDATE registry.decree_members SET decree_no = 'SK-90' WHERE registrant_id = 1"),
        ])
        // 2020-06-02: the full side gets 3's second (identical) row before its night, the
        // incremental side while its night is between the two counts.
        try full.connection.execute(duplicate)
        try full.run("2020-06-02", full: true)
        let night = try incremental.start("run", "--date", "2020-06-02", pauseAt: "payouts written")
        try night.waitForPause()
        try incremental.connection.execute(duplicate)
        let result = night.finish()
        #expect(result.status == 0, "\(result.stderr)")
        for env in [full, incremental] { try env.connection.execute("DELETE FROM registry.decree_members WHERE registrant_id = 1") }
        try Self.nights(full, incremental, [("2020-06-03", nil), ("2020-06-30", nil)])
        #expect(try full.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
    }
}
