import Foundation
import Testing

@testable import Disbursement

/// helper-27's attacks on issue 15 (incremental nights), each failing before its fix: the same
/// registry changes through a `--full` side and an incremental side, compared with
/// `IncrementalNightTests.expectEqual` (`twoWorlds`, `runNights`).
@Suite("attack 27: incremental nights")
struct Attack27IncrementalTests {
    /// A person with a VA whose membership row vanished takes the decree of their last payout
    /// (`members`' second branch). A change to that decree touches only registrants listed in
    /// registry.decree_members with it, so this person is never decided again until the old
    /// next_check_on: the full night holds the tranches the shorter interval made due.
    @Test func attack27DecreeChangeReachesMemberWithoutMembershipRow() throws {
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
        }
        try IncrementalNightTests.runNights(full, incremental, [
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
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
        }
        try IncrementalNightTests.runNights(full, incremental, [
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
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            // 3 is revoked at first; the approval after the restore is an UPDATE (no new row,
            // so the row count cannot tell).
            // (No completion yet: a revoked member with one would be held NOT_APPROVED, touched nightly.)
            try env.registry.registrant(3)
            try env.registry.member(3, status: "revoked")
            try env.registry.account(3)
        }
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", nil)])
        for env in [full, incremental] {
            try env.connection.execute(
                "UPDATE disbursement.night_scopes SET registry_horizon = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8")
            try env.connection.execute("UPDATE registry.decree_members SET status = 'approved' WHERE registrant_id = 3")
        }
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-02", nil), ("2020-06-03", nil)])
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
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
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
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", migration), ("2020-06-30", nil)])
        #expect(try full.hold(1, "INCENTIVE", 3) == "SHARED_ACCOUNT")
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "SHARED_ACCOUNT")
    }

    /// F4: the night counted the registry's membership and account rows (the totals the next
    /// night compares with) before it counted each changed registrant's rows, in separate
    /// statements. A row the platform committed in between, for a registrant the night looks
    /// at, was in the registrant's kept count but not in the total, so the kept counts no longer
    /// explained the total: one row deleted later from someone the night does not look at went
    /// unseen. The night reads one snapshot (REPEATABLE READ) since; the rows committed during
    /// it are the next night's news. Checked here by the guard's own invariant (kept counts sum
    /// to the recorded total) and by equality with full nights after a deletion.
    @Test func attack27RowCommittedMidNightHidesADeletion() throws {
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
            try env.registry.member(2)
            // 3 is held NO_LINKED_ACCOUNT: looked at every night.
            try env.registry.registrant(3)
            try env.registry.member(3)
            try env.registry.completion(3)
        }
        let midNight = """
            INSERT INTO registry.decree_members VALUES ('SK-1', 3, 'approved', '2020-04-02');
            INSERT INTO registry.payout_accounts VALUES (30, 3, 'BNI', 'bank', '0030', 'Siti Nur''aini', NULL, true, 'active', '2020-04-10', '2020-04-10');
            """
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", nil)])
        // The full side gets the rows just after its night: the incremental night, reading
        // one snapshot, must not see them either.
        try full.run("2020-06-02", full: true)
        try full.connection.executeScript(midNight)
        let night = try incremental.start("run", "--date", "2020-06-02", pauseAt: "registry counted")
        try night.waitForPause()
        try incremental.connection.executeScript(midNight)
        let result = night.finish()
        #expect(result.status == 0, "\(result.stderr)")
        for (total, kept) in [("member_rows", "SELECT sum(member_rows) FROM disbursement.participant_state"),
                              ("account_rows", "SELECT sum(account_rows) FROM disbursement.account_numbers")] {
            let recorded = try incremental.count("SELECT \(total) FROM disbursement.night_scopes WHERE business_date = '2020-06-02'")
            #expect(try incremental.count(kept) == recorded, "\(total): the kept counts do not add up to the recorded total")
        }
        for env in [full, incremental] {
            try env.connection.execute("DELETE FROM registry.decree_members WHERE ctid = (SELECT min(ctid) FROM registry.decree_members WHERE registrant_id = 2)")
        }
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-03", nil), ("2020-06-30", nil)])
    }

    /// F6: registry constraints are not to be trusted (SPEC §2). A decree number longer than a
    /// btree entry holds (2,704 bytes; here 6,400 incompressible hex characters) stopped the
    /// night for everyone: run_decree's key, decree_state's and decree_proofs' primary keys.
    /// Now the decree is INVALID_DECREE under a shortened number, its members are held, and
    /// everyone else is paid, on a full night and on an incremental one.
    @Test func attack27OversizedDecreeNumber() throws {
        let env = try IncrementalNightTests.world()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.payableParticipant(2)
        let long = "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 200) i)"
        try env.connection.executeScript(
            """
            INSERT INTO registry.decrees SELECT \(long), 1, '2020-04-01', 1000000, 600000, 4, 30, 50000, 3, NULL;
            INSERT INTO registry.decree_members SELECT \(long), 3, 'approved', now();
            """)
        try env.registry.registrant(3)
        try env.run("2020-06-01")
        #expect(try env.payouts(1).contains("TRAINING1@VA"))
        #expect(try env.payouts(3).isEmpty)
        try env.connection.execute("UPDATE registry.decree_members SET decree_no = \(long) WHERE registrant_id = 2")
        try env.run("2020-06-30")
        #expect(try env.payouts(1).contains("INCENTIVE3@BNI"))
        #expect(try env.hold(2, "INCENTIVE", 3) == "INVALID_DECREE")
        let shown = try env.connection.queryOne(
            "SELECT decree_no FROM disbursement.holds WHERE registrant_id = 2 AND kind = 'INCENTIVE' AND number = 3"
        ).decode(0, as: String.self)
        #expect(shown.hasSuffix(" (6400 bytes, md5 \(try env.connection.queryOne("SELECT md5(\(long))").decode(0, as: String.self)))"))
    }
}
