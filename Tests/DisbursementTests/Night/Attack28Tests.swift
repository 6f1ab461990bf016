import Foundation
import Testing

@testable import Disbursement

/// helper-28's attacks on the lead's changes of this session (one snapshot a night, shortened
/// decree numbers, tranche nights turning full, account_key without translate()). Each test
/// says whether it failed on the code it attacked (commit 2982c3c, F1 and F2, both fixed) or
/// shows an attack that held.
@Suite("attack 28: one snapshot, long decree numbers, switched nights")
struct Attack28Tests {
    /// What the platform writes during a night: registrant 5 approved, trained and linked, 2's
    /// membership deleted, 4's number changed (to 1's).
    static let platformWrites = """
            INSERT INTO registry.decree_members VALUES ('SK-1', 5, 'approved', '2020-06-02');
            INSERT INTO registry.training_completions VALUES (5, 'C-1', '2020-05-01 10:00+07', 'CERT', 5, 'Bagus');
            INSERT INTO registry.payout_accounts VALUES (50, 5, 'BNI', 'bank', '005', 'Budi', '3171000000000005', true, 'active', '2020-04-10', '2020-04-10');
            DELETE FROM registry.decree_members WHERE registrant_id = 2;
            UPDATE registry.payout_accounts SET account_no = '001' WHERE registrant_id = 4;
        """

    /// F2, failed on 2982c3c. A decree number over 200 bytes was keyed as its first 64
    /// characters, its length and its MD5: a short text a genuine decree could carry, which
    /// was then grouped with the long one in `run_decree` and its members held INVALID_DECREE
    /// for another decree's bad row (SPEC §2). Since 6455aaf a key is always over 200 bytes,
    /// whatever the characters: searched here over numbers of one- to four-byte characters
    /// just over the limit and far over it, and a decree literally named like a key is itself
    /// too long (held) while everyone else is paid.
    @Test func attack28GenuineDecreeNamedLikeAShortenedKey() throws {
        let env = try IncrementalNightTests.world()
        let shortest = try env.connection.queryOne(
            """
            SELECT min(octet_length(\(EligibilitySQL.decreeNumber("n"))))
              FROM (SELECT repeat(c, k) AS n
                      FROM unnest(ARRAY['9', 'é', '€', '😀', 'a-']) c, generate_series(1, 700) k) v
             WHERE octet_length(n) > \(EligibilitySQL.longestDecreeNumber)
            """
        ).decode(0, as: Int.self)
        #expect(shortest > EligibilitySQL.longestDecreeNumber)
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let long = "(SELECT 'SK-' || repeat('9', 300))"
        let key = try env.connection.queryOne("SELECT \(EligibilitySQL.decreeNumber(long))").decode(0, as: String.self)
        try env.registry.decree(key)
        try env.registry.payableParticipant(2, decree: key)
        try env.connection.execute(
            "INSERT INTO registry.decrees SELECT \(long), 1, '2020-04-01', 1000000, 600000, 4, 30, 50000, 3, NULL")
        try env.run("2020-06-01")
        #expect(try env.payouts(1).contains("TRAINING1@VA"))
        #expect(try env.hold(2, "TRAINING") == "INVALID_DECREE")
    }

    /// F1, failed on 2982c3c (money); fixed by 6455aaf (keys over 200 bytes). The registry team does what the night's warning suggests and
    /// corrects a decree whose number is over 200 bytes by renaming its row to the number the
    /// warning showed, but leaves its memberships as they were. The memberships' decree is now
    /// missing from registry.decrees (SPEC §3: INVALID_DECREE), yet the night keys them by the
    /// same shortened text, finds the renamed row, issues VAs and pays them under a decree
    /// they do not name.
    @Test func attack28MembersOfAMissingLongDecreeArePaidUnderTheShortenedName() throws {
        let env = try IncrementalNightTests.world()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let long = "SK-" + String(repeating: "9", count: 300)
        let shown = try env.connection.queryOne("SELECT \(EligibilitySQL.decreeNumber("$1::text"))", [long]).decode(0, as: String.self)
        try env.registry.decree(shown)
        try env.registry.payableParticipant(2, decree: long)
        try env.run("2020-06-01")
        #expect(try env.payouts(1).contains("TRAINING1@VA"))
        let paid = try env.payouts(2)
        #expect(paid.isEmpty, "paid under a decree the membership does not name: \(paid)")
        #expect(try env.hold(2, "TRAINING") == "INVALID_DECREE")
    }

    /// Held. Boundaries of the 200-byte limit with two-byte characters (exactly 200 bytes kept;
    /// 201 bytes, the last character straddling the limit, shortened), two long numbers with
    /// the same first 64 characters and length (two keys), and decrees that become long or
    /// short between nights, through a full side and an incremental side compared byte for byte.
    @Test func attack28DecreeNumberBoundariesFullAndIncremental() throws {
        let at200 = String(repeating: "é", count: 100)  // 200 bytes
        let over201 = "A" + String(repeating: "é", count: 100)  // 201 bytes
        let straddling = String(repeating: "B", count: 199) + "é"  // 201 bytes, the é across byte 200
        let twinPrefix = "SK-" + String(repeating: "7", count: 61)
        let twin1 = twinPrefix + String(repeating: "1", count: 236), twin2 = twinPrefix + String(repeating: "2", count: 236)
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            for (id, number) in [(3, at200), (4, over201), (5, straddling), (6, twin1), (7, twin2)] {
                try env.registry.decree(number)
                try env.registry.payableParticipant(Int64(id), decree: number)
            }
        }
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", nil)])
        for env in [full, incremental] {
            #expect(try env.payouts(3).contains("TRAINING1@VA"), "exactly 200 bytes is a decree number as written")
            for id: Int64 in [4, 5, 6, 7] {
                #expect(try env.payouts(id).isEmpty)
                #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE registrant_id = $1 AND reason = 'INVALID_DECREE'", [id]) > 0,
                        "\(id): a member of a long decree is held INVALID_DECREE")
            }
            #expect(try env.count("SELECT count(DISTINCT decree_no) FROM disbursement.holds WHERE registrant_id IN (6, 7)") == 2)
        }
        // 3's decree grows one character (long), 4's loses its first (200 bytes: short again).
        let change = """
            UPDATE registry.decrees SET decree_no = decree_no || 'é' WHERE decree_no = '\(at200)';
            UPDATE registry.decree_members SET decree_no = decree_no || 'é' WHERE decree_no = '\(at200)';
            UPDATE registry.decrees SET decree_no = substr(decree_no, 2) WHERE decree_no = '\(over201)';
            UPDATE registry.decree_members SET decree_no = substr(decree_no, 2) WHERE decree_no = '\(over201)';
            """
        for env in [full, incremental] { try env.connection.executeScript(change) }
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-02", nil), ("2020-06-30", nil), ("2020-07-01", nil)])
        #expect(try incremental.payouts(4).contains("TRAINING1@VA"))
        #expect(try incremental.hold(3, "INCENTIVE", 3) == "INVALID_DECREE")
        // The reports and the statement read the shortened numbers too.
        for arguments in [["report", "holds", "--format", "json"], ["report", "holds", "--format", "csv"], ["report", "summary"],
                          ["report", "summary", "--format", "csv"], ["report", "funnel", "--refresh"], ["report", "html"]] {
            let result = try CLI.run(arguments, environment: incremental.cliEnvironment)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        for id in ["3", "6"] {
            let statement = try StatementLookup.statement(id, incremental.connection)
            #expect(statement.entitlements.contains { $0.state == .held }, "\(id): the statement shows the hold")
        }
    }

    /// Held. Tranche nights that turn full (fullPassMinimum lowered to this world's size) after
    /// deletions the row-count guard would have had to notice (a membership row, an account
    /// that made a number shared), with a dry run of the switched night first, and the
    /// incremental night after it: each equal to a `--full` night, and the dry run's summary
    /// the real one's.
    @Test func attack28SwitchedNightsAfterDeletionsEqualFullNights() throws {
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            for id: Int64 in 1...5 { try env.registry.payableParticipant(id) }
            // 9 holds 3's number: 3 is SHARED_ACCOUNT until 9's account is deleted.
            try env.registry.registrant(9)
            try env.registry.account(9, number: "003")
        }
        let nights: [(String, String?)] = [
            ("2020-06-01", """
                DELETE FROM registry.decree_members WHERE registrant_id = 2;
                DELETE FROM registry.payout_accounts WHERE registrant_id = 9;
                """),
            ("2020-06-02", nil),
            ("2020-06-30", "DELETE FROM registry.payout_accounts WHERE registrant_id = 4"),
            ("2020-07-01", nil),
            ("2020-07-30", nil),
        ]
        for (night, change) in nights {
            try full.run(night, full: true)
            let dry = try incremental.run(night, dryRun: true, fullPassMinimum: 4)
            let real = try incremental.run(night, fullPassMinimum: 4)
            #expect(try dry.summary.json() == real.summary.json(), "night \(night): the dry run's summary")
            try IncrementalNightTests.expectEqual(full, incremental, "night \(night)")
            if let change {
                for env in [full, incremental] { try env.connection.executeScript(change) }
            }
        }
        // The tranche nights always switch. The others decide 1 or 2 of 5 and stay incremental,
        // unless a transaction of a parallel test held the horizon back at the night before
        // (then rows written before it are news again, a safe over-count, and they switch too).
        let scopes = try incremental.connection.query("SELECT scope FROM disbursement.night_scopes ORDER BY business_date")
            .map { try $0.decode(0, as: String.self) }
        #expect(scopes.count == 5 && scopes[0] == "full" && scopes[2] == "full" && scopes[4] == "full", "\(scopes)")
        #expect(try incremental.hold(2, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try incremental.payouts(3).contains("INCENTIVE3@BNI"))
        #expect(try incremental.hold(4, "INCENTIVE", 4) == "NO_LINKED_ACCOUNT")
    }

    /// Held. A registry transaction that began before the night, wrote (a new participant, a
    /// membership deleted from someone the night does not look at, a number made shared) and
    /// commits only after the night: the night's snapshot does not see it, its horizon
    /// (pg_snapshot_xmin) is at or before that transaction, so the next nights do, as full
    /// nights do.
    @Test func attack28RegistryTransactionOpenAcrossTheNight() throws {
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            for id: Int64 in 1...4 { try env.registry.payableParticipant(id) }
            try env.registry.registrant(5)
        }
        let change = Self.platformWrites
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", nil)])
        try full.run("2020-06-02", full: true)
        try full.connection.executeScript(change)
        let platform = try incremental.database.connect()
        try platform.execute("BEGIN")
        try platform.executeScript(change)
        try incremental.run("2020-06-02")
        try platform.execute("COMMIT")
        #expect(try incremental.payouts(5).isEmpty)
        try IncrementalNightTests.expectEqual(full, incremental, "night 2020-06-02")
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-03", nil), ("2020-06-30", nil)])
        #expect(try incremental.payouts(5).contains("TRAINING1@VA"))
        #expect(try incremental.hold(2, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "SHARED_ACCOUNT")
    }

    /// Held. `disburse reject` (decide_batch) takes no run lock: it fails an earlier batch's
    /// payouts and moves its totals while a night waits at "payouts written". The night, on its
    /// snapshot, neither sees nor conflicts with it (exit 0, no serialization failure, totals
    /// still those of the payouts), and the next night retries the rejected payouts exactly as
    /// a full night does.
    @Test func attack28BatchRejectedWhileANightWaits() throws {
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            for id: Int64 in 1...3 { try env.registry.payableParticipant(id) }
        }
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", nil)])
        let june = BusinessDate("2020-06-01")!
        func reject(_ env: TestEnvironment) throws {
            let approver = try BatchReleaseTests().approver(env)
            try approver.execute("SET lock_timeout = '10s'")
            let hash = try #require(try BatchRelease.overview(approver, date: june).manifestSHA256)
            try BatchRelease.decide(approver, date: june, verdict: .rejected, confirmation: String(hash.prefix(12)), reason: "wrong batch")
        }
        try full.run("2020-06-02", full: true)
        try reject(full)
        let night = try incremental.start("run", "--date", "2020-06-02", pauseAt: "payouts written")
        try night.waitForPause()
        try reject(incremental)
        let result = night.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try PayoutTotals.drift(incremental.connection) == 0)
        try IncrementalNightTests.expectEqual(full, incremental, "night 2020-06-02")
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-03", nil)])
        #expect(try incremental.count("SELECT count(*) FROM disbursement.payouts WHERE attempt = 2 AND business_date = '2020-06-03'") > 0)
    }

    /// Held. Registry rows committed while a night waits at "payouts written" (after every
    /// registry read): a new participant, a membership deleted from someone the night does not
    /// look at, a number changed to another participant's. The night reads one snapshot and
    /// exits 0; the next nights find all three, as full nights do. A `report funnel --refresh`
    /// meanwhile neither waits for the night nor stops it, and another job gets 75 at once.
    @Test func attack28RegistryWrittenWhileANightWaits() throws {
        let (full, incremental) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            for id: Int64 in 1...4 { try env.registry.payableParticipant(id) }
        }
        let midNight = """
            INSERT INTO registry.registrants (registrant_id, nik, full_name, birth_date, phone, email, province_code, registered_at)
                VALUES (5, '3171000000000005', 'Budi', '1990-01-01', '6281200000005', 'x@example.id', '31', '2020-04-01');
            """ + Self.platformWrites
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-01", nil)])
        try full.run("2020-06-02", full: true)
        try full.connection.executeScript(midNight)
        let night = try incremental.start("run", "--date", "2020-06-02", pauseAt: "payouts written")
        try night.waitForPause()
        try incremental.connection.executeScript(midNight)
        let funnel = try incremental.cli("report", "funnel", "--refresh")
        #expect(funnel.status == 0, "\(funnel.stderr)")
        let other = try incremental.cli("run", "--date", "2020-06-03")
        #expect(other.status == 75, "\(other.stderr)")
        let result = night.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try incremental.payouts(5).isEmpty, "a row committed mid-night is the next night's news")
        try IncrementalNightTests.expectEqual(full, incremental, "night 2020-06-02")
        try IncrementalNightTests.runNights(full, incremental, [("2020-06-03", nil), ("2020-06-30", nil)])
        #expect(try incremental.payouts(5).contains("TRAINING1@VA"))
        #expect(try incremental.hold(2, "INCENTIVE", 3) == "NOT_APPROVED")
        #expect(try incremental.hold(1, "INCENTIVE", 3) == "SHARED_ACCOUNT")
    }
}

extension Attack28Tests {
    /// F3 (CI, 2026-11-26 08:36, seed 0x28A00001): a switched night paid a registrant an
    /// inactive account that the `--full` night held. The dirty search had copied the person's
    /// account twice (a re-registration run twice), so two rows shared account_id and linked_at
    /// and differed in status; the sort met them in whatever order the plan or the table's
    /// physical order gave. Here the two rows are written in opposite orders in two worlds, and
    /// every night (full, incremental, by index or by one pass) holds the person ACCOUNT_NOT_ACTIVE.
    @Test func attack28TiedAccountRowsAreSettledByTheRowThatPaysLess() throws {
        let rows = [
            "INSERT INTO registry.payout_accounts VALUES (77, 1, 'BNI', 'bank', '001', 'Siti Nur''aini', '3171000000000001', true, 'active', '2020-04-10', '2020-04-10')",
            "INSERT INTO registry.payout_accounts VALUES (77, 1, 'BNI', 'bank', '001', 'Siti Nur''aini', '3171000000000001', true, 'inactive', '2020-04-10', '2020-04-10')",
        ]
        let (first, second) = try IncrementalNightTests.twoWorlds { env in
            try env.registry.decree("SK-1")
            try env.registry.registrant(1, nik: "3171000000000001")
            try env.registry.member(1)
            try env.registry.completion(1)
            for id: Int64 in 2...3 { try env.registry.payableParticipant(id) }
        }
        for statement in rows { try first.connection.execute(statement) }
        for statement in rows.reversed() { try second.connection.execute(statement) }
        for env in [first, second] {
            try env.run("2020-06-01")
            #expect(try env.hold(1, "INCENTIVE", 1) == "ACCOUNT_NOT_ACTIVE")
            try env.connection.execute("UPDATE registry.decree_members SET status = status WHERE registrant_id = 1")
            try env.run("2020-06-02")
            #expect(try env.hold(1, "INCENTIVE", 1) == "ACCOUNT_NOT_ACTIVE")
            try env.run("2020-06-30", fullPassMinimum: 1)
            #expect(try env.hold(1, "INCENTIVE", 3) == "ACCOUNT_NOT_ACTIVE")
            #expect(try env.payouts(1) == ["TRAINING1@VA"])
            // The participant statement shows the row the night holds (migration 0055).
            #expect(try StatementLookup.statement("1", env.connection).account?.status == "inactive")
        }
    }
}

extension Attack28Tests {
    /// Held. `IncrementalNightTests.incrementalEqualsFull`'s seeded dirty worlds never switch
    /// (fewer than 10,000 participants): here the incremental side's minimum is 1 on every
    /// other night, so nights deciding at least half of the participants turn full among
    /// incremental ones, after every kind of damage the generator makes (deletions included).
    @Test(arguments: [UInt64(0x28A0_0001), 0x28A0_0002])
    func attack28SwitchedNightsInDirtyWorlds(_ seed: UInt64) throws {
        let full = try IncrementalNightTests.world()
        let incremental = try IncrementalNightTests.world()
        var fullRandom = SplitMix64(seed: seed)
        var incrementalRandom = SplitMix64(seed: seed)
        try DirtyRegistrySearchTests.populate(full, &fullRandom)
        try DirtyRegistrySearchTests.populate(incremental, &incrementalRandom)
        var scopes: [String] = []
        for (index, night) in IncrementalNightTests.nights.enumerated() {
            let turn = Int(seed % 1000) * IncrementalNightTests.nights.count + index
            let rounds = index == 0 ? 20 : 3
            try DirtyRegistrySearchTests.damage(full, &fullRandom, turn: turn, rounds: rounds)
            try DirtyRegistrySearchTests.damage(incremental, &incrementalRandom, turn: turn, rounds: rounds)
            try full.run(night, full: true)
            try incremental.run(night, fullPassMinimum: index % 2 == 1 ? 1 : 10_000)
            let scope = try incremental.connection.queryOne(
                "SELECT scope || ':' || touched FROM disbursement.night_scopes WHERE business_date = $1::date", [night]
            ).decode(0, as: String.self)
            scopes.append(scope)
            try IncrementalNightTests.expectEqual(full, incremental, "seed \(seed), night \(night) (\(scope))")
            if index < IncrementalNightTests.nights.count - 1 {
                try DirtyRegistrySearchTests.answer(full, night: night, &fullRandom)
                try DirtyRegistrySearchTests.answer(incremental, night: night, &incrementalRandom)
            }
        }
        // The search proves nothing unless both kinds of later night happened.
        let later = scopes.dropFirst()
        #expect(later.contains { $0.hasPrefix("full:") } && later.contains { $0.hasPrefix("incremental:") }, "seed \(seed): \(scopes)")
    }
}
