import Foundation
import Testing

@testable import Disbursement

/// Issue 15's proof: an incremental night decides only the participants whose outcome can have
/// changed, and must give exactly the batch a full night gives. The same seeded dirty registry
/// (`DirtyRegistrySearchTests`' generator: every column × every bad value, repairs, moves,
/// re-registrations, decree damage) is built in two databases and taken through the same
/// nights, with the same damage and the same status files between them; one side runs every
/// night `--full`, the other incrementally. After every night the tool's tables and every file
/// written must be equal, byte for byte. `DISBURSE_INCREMENTAL_WORLDS` (default 4) sets how
/// many worlds run; `DISBURSE_SEARCH_SEED` replays one.
@Suite("incremental nights equal full nights")
struct IncrementalNightTests {
    /// Quiet days, a day a tranche falls due, days after a decree's payable_until, a skipped week.
    static let nights = [
        "2020-06-01", "2020-06-02", "2020-06-16", "2020-07-01", "2020-07-02", "2020-07-31", "2020-08-31", "2020-09-01",
        "2020-09-15",
    ]

    static var worlds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["DISBURSE_SEARCH_SEED"].flatMap({ UInt64($0) }) { return [seed] }
        let count = environment["DISBURSE_INCREMENTAL_WORLDS"].flatMap { Int($0) } ?? 4
        return (0..<UInt64(max(1, count))).map { 0x1AC0_0000 + $0 }
    }

    @Test(arguments: worlds)
    func incrementalEqualsFull(_ seed: UInt64) throws {
        let full = try Self.world()
        let incremental = try Self.world()
        var fullRandom = SplitMix64(seed: seed)
        var incrementalRandom = SplitMix64(seed: seed)
        try DirtyRegistrySearchTests.populate(full, &fullRandom)
        try DirtyRegistrySearchTests.populate(incremental, &incrementalRandom)
        var scopes: [String] = []
        for (index, night) in Self.nights.enumerated() {
            let turn = Int(seed % 1000) * Self.nights.count + index
            // A quiet night now and then: nothing written to the registry since the last batch.
            let quiet = fullRandom.chance(0.3) && index > 0
            _ = incrementalRandom.chance(0.3)
            if !quiet {
                let rounds = index == 0 ? 20 : 3
                try DirtyRegistrySearchTests.damage(full, &fullRandom, turn: turn, rounds: rounds)
                try DirtyRegistrySearchTests.damage(incremental, &incrementalRandom, turn: turn, rounds: rounds)
            }
            try full.run(night, full: true)
            try incremental.run(night)
            scopes.append(try incremental.connection.queryOne(
                "SELECT scope || ':' || touched FROM disbursement.night_scopes WHERE business_date = $1::date", [night]
            ).decode(0, as: String.self))
            let context = "seed \(seed), night \(night) (\(scopes.last ?? ""))"
            try Self.expectEqual(full, incremental, context)
            if index < Self.nights.count - 1 {
                try DirtyRegistrySearchTests.answer(full, night: night, &fullRandom)
                try DirtyRegistrySearchTests.answer(incremental, night: night, &incrementalRandom)
            }
        }
        // The test proves nothing if every night was full.
        #expect(scopes.dropFirst().allSatisfy { $0.hasPrefix("incremental:") }, "seed \(seed): \(scopes)")
    }

    /// A membership row deleted leaves no row version behind to notice: the night counts the
    /// rows. Here the deletion moves the participant's scheme back to the decree of their last
    /// payout (30-day tranches instead of 90), so a tranche falls due before the day kept for
    /// them; only the count tells the incremental night to look at them again.
    @Test func deletedMembershipIsNoticed() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.decree("SK-90")
            try env.connection.execute("UPDATE registry.decrees SET incentive_interval_days = 90 WHERE decree_no = 'SK-90'")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
        }
        try Self.runNights(full, incremental, [
            ("2020-06-01", "UPDATE registry.decree_members SET decree_no = 'SK-90' WHERE registrant_id = 1"),
            ("2020-06-02", "DELETE FROM registry.decree_members WHERE registrant_id = 1"),
            ("2020-06-03", nil), ("2020-06-30", nil),
        ])
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try incremental.count("SELECT count(*) FROM disbursement.night_scopes WHERE scope = 'incremental'") == 3)
    }

    /// The same for an account: registrant 2's account, the same number as participant 1's,
    /// is deleted. Nothing of 2's is written, yet 1's number is no longer shared: only the
    /// count of account rows tells the night to work out 2's number again.
    @Test func deletedAccountIsNoticed() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.registrant(2)
            try env.registry.account(2, number: "001")
            try env.registry.payableParticipant(3)
        }
        try Self.runNights(full, incremental, [("2020-06-01", "DELETE FROM registry.payout_accounts WHERE registrant_id = 2"), ("2020-06-02", nil)])
        #expect(try incremental.payouts(1).contains("INCENTIVE1@BNI"))
    }

    /// A night that would decide at least half of the participants decides everyone in one
    /// pass (cheaper there), and says why; a night deciding fewer stays incremental. Both give
    /// the full night's batch. The minimum number of participants is lowered to this world's.
    @Test func aNightDecidingMostTurnsFull() throws {
        let (full, incremental) = try Self.twoWorlds { env in
            try env.registry.decree("SK-1")
            for id in 1...4 { try env.registry.payableParticipant(Int64(id)) }
        }
        // 2020-06-02: nothing changed (incremental); 2020-06-16: one membership row is written
        // (1 of 4, incremental); 2020-06-30: tranche 2 falls due for all four (full).
        try Self.runNights(full, incremental, [
            ("2020-06-01", nil), ("2020-06-02", "UPDATE registry.decree_members SET status = status WHERE registrant_id = 1"),
            ("2020-06-16", nil), ("2020-06-30", nil),
        ], fullPassMinimum: 4)
        let scopes = try incremental.connection.query(
            "SELECT scope || ' ' || coalesce(reason, '') FROM disbursement.night_scopes ORDER BY business_date"
        ).map { try $0.decode(0, as: String.self) }
        let switched = "participants could have changed, so one pass over everyone is cheaper"
        #expect(scopes.first == "full first night")
        #expect(scopes.last == "full 4 of 4 \(switched)")
        // The quiet nights decide 0 and 1 of 4 and stay incremental, unless a transaction of a
        // parallel test held the horizon back (rows written before it are news again: a safe
        // over-count), and then they switch for the same reason, never another.
        #expect(scopes.dropFirst().dropLast().allSatisfy { $0 == "incremental " || $0.hasSuffix(switched) }, "\(scopes)")
    }

    /// Two worlds built alike: one to run every night `--full`, one incrementally.
    static func twoWorlds(_ setup: (TestEnvironment) throws -> Void) throws -> (TestEnvironment, TestEnvironment) {
        let full = try world()
        let incremental = try world()
        for env in [full, incremental] { try setup(env) }
        return (full, incremental)
    }

    /// Each night on both sides, compared (`expectEqual`), then its change on both.
    static func runNights(_ full: TestEnvironment, _ incremental: TestEnvironment, _ nights: [(String, String?)],
                          fullPassMinimum: Int = 10_000) throws {
        for (night, change) in nights {
            try full.run(night, full: true)
            try incremental.run(night, fullPassMinimum: fullPassMinimum)
            try expectEqual(full, incremental, "night \(night)")
            if let change {
                for env in [full, incremental] { try env.connection.executeScript(change) }
            }
        }
    }

    static func world() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try DirtyRegistrySearchTests.distrustConstraints(env.connection)
        // The batch's creation time is in pain.001 and the manifests: pinned, so files compare.
        try env.connection.executeScript(
            """
            CREATE FUNCTION public.pinned_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.created_at := (NEW.business_date + time '23:00') AT TIME ZONE 'Asia/Jakarta';
                RETURN NEW;
            END $$;
            CREATE TRIGGER pinned_created_at BEFORE INSERT ON disbursement.batches
                FOR EACH ROW EXECUTE FUNCTION public.pinned_created_at();
            """)
        return env
    }

    /// What a night decides, table by table (columns set by the clock or the run left out).
    static let tables = [
        "SELECT business_date, summary::text, manifest_sha256 FROM disbursement.batches",
        "SELECT registrant_id, va, issued_on FROM disbursement.virtual_accounts",
        """
        SELECT registrant_id, kind, number, attempt, business_date, end_to_end_id, decree_no, channel, account_id, account_no,
               account_name, amount, va, status, reason_code, permanent FROM disbursement.payouts
        """,
        "SELECT registrant_id, kind, number, held_since, reason, decree_no, amount, released_on FROM disbursement.holds",
        "SELECT * FROM disbursement.expired",
        "SELECT * FROM disbursement.first_completions",
        "SELECT * FROM disbursement.participant_niks",
        "SELECT * FROM disbursement.decree_proofs",
        "SELECT * FROM disbursement.batch_issued",
        "SELECT * FROM disbursement.payout_totals",
    ]

    static func rows(_ env: TestEnvironment, _ sql: String) throws -> [String] {
        try env.connection.query("SELECT t::text FROM (\(sql)) t ORDER BY 1").map { try $0.decode(0, as: String.self) }
    }

    static func expectEqual(_ full: TestEnvironment, _ incremental: TestEnvironment, _ context: String) throws {
        for sql in tables {
            let expected = try rows(full, sql)
            let actual = try rows(incremental, sql)
            if expected != actual {
                let missing = Set(expected).subtracting(actual).sorted().prefix(5)
                let extra = Set(actual).subtracting(expected).sorted().prefix(5)
                Issue.record("\(context): \(sql.split(separator: "\n")[0]) differs; full only: \(Array(missing)); incremental only: \(Array(extra))")
            }
        }
        let expectedFiles = try files(full.output)
        let actualFiles = try files(incremental.output)
        #expect(expectedFiles.keys.sorted() == actualFiles.keys.sorted(), "\(context): other files")
        for (name, bytes) in expectedFiles where actualFiles[name] != bytes {
            Issue.record("\(context): \(name) differs")
        }
    }

    /// The output folder's files by relative path (status files written by the test aside).
    static func files(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return result }
        let root = folder.standardizedFileURL.path
        for case let url as URL in walker {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true,
                  !url.lastPathComponent.hasPrefix("status-") else { continue }
            let path = url.standardizedFileURL.path
            result[String(path.dropFirst(root.count))] = try Data(contentsOf: url)
        }
        return result
    }
}
