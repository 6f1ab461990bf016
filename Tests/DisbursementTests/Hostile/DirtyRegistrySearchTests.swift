import Foundation
import Logging
import Testing

@testable import Disbursement

/// The search: seeded registries where clean participants are mixed with rows whose columns
/// hold NULL, empty, blank, unknown or wrongly shaped values (every column the night reads ×
/// every bad value), run through three nights with more damage and repairs between them, and
/// a status file after each night that pays most payouts and fails or returns some (a
/// permanent reason among them), so retries, RETRY_LIMIT and PERMANENT_FAILURE are exercised.
/// After every night an independent model (`RegistryModel`, Swift over the rows read plainly)
/// checks: the night ran; no payout it forbids (non-approved member, unsound decree, doubtful
/// identity, non-payable account, wrong amount); no entitlement with two live payouts; every
/// entitlement it finds due and payable paid; every one it finds due in some state; files =
/// database; and the proof per decree adds up. `DISBURSE_SEARCH_CASES` (default 300) sets how
/// many participant cases run; `DISBURSE_SEARCH_SEED` replays one seed (printed on failure).
@Suite("dirty registry search")
struct DirtyRegistrySearchTests {
    static let participantsPerWorld = 30
    static let nights = ["2020-06-01", "2020-07-01", "2020-09-15"]

    static var worlds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["DISBURSE_SEARCH_SEED"].flatMap({ UInt64($0) }) { return [seed] }
        let cases = environment["DISBURSE_SEARCH_CASES"].flatMap { Int($0) } ?? 300
        return (0..<UInt64(max(1, cases / participantsPerWorld))).map { 0x5EED_0000 + $0 }
    }

    @Test(arguments: worlds)
    func dirtyRowsNeverMoveMoney(_ seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let env = try TestEnvironment()
        try Self.distrustConstraints(env.connection)
        try Self.populate(env, &random)
        var recordedNIKs: [String: Set<Int64>] = [:]
        var keptFirstDays: [Int64: String] = [:]
        for (index, night) in Self.nights.enumerated() {
            try Self.damage(env, &random, turn: Int(seed % 1000) * Self.nights.count + index, rounds: index == 0 ? 20 : 10)
            do {
                try env.run(night)
            } catch {
                Issue.record("seed \(seed), night \(night): the night failed: \(error)")
                return
            }
            (recordedNIKs, keptFirstDays) = try Self.checkModel(
                env, night: night, seed: seed, recordedNIKs: recordedNIKs, keptFirstDays: keptFirstDays)
            if index < Self.nights.count - 1 { try Self.answer(env, night: night, &random) }
        }
        try Invariants.check(env)
    }

    /// The platform's constraints are not to be trusted (SPEC §2): none are left.
    static func distrustConstraints(_ connection: Connection) throws {
        try connection.executeScript(
            """
            ALTER TABLE registry.registrants DROP CONSTRAINT registrants_pkey, ALTER registrant_id DROP NOT NULL;
            ALTER TABLE registry.decrees DROP CONSTRAINT decrees_pkey, ALTER decree_no DROP NOT NULL;
            ALTER TABLE registry.decree_members DROP CONSTRAINT decree_members_pkey, DROP CONSTRAINT decree_members_status_check,
                ALTER decree_no DROP NOT NULL, ALTER registrant_id DROP NOT NULL;
            ALTER TABLE registry.training_completions DROP CONSTRAINT training_completions_rating_check;
            ALTER TABLE registry.survey_responses DROP CONSTRAINT survey_responses_pkey,
                ALTER registrant_id DROP NOT NULL, ALTER survey_no DROP NOT NULL;
            ALTER TABLE registry.payout_accounts DROP CONSTRAINT payout_accounts_pkey, DROP CONSTRAINT payout_accounts_kind_check,
                DROP CONSTRAINT payout_accounts_status_check, ALTER account_id DROP NOT NULL;
            """)
    }

    static let providers: [(String, String)] = [
        ("BNI", "bank"), ("BCA", "bank"), ("OVO", "ewallet"), ("GOPAY", "ewallet"), ("LINKAJA", "ewallet"), ("DANA", "ewallet"),
    ]

    static func populate(_ env: TestEnvironment, _ random: inout SplitMix64) throws {
        let registry = env.registry
        try registry.decree("SK-1")
        try registry.decree("SK-2", wave: 2, issuedOn: "2020-05-01", payableUntil: random.chance(0.5) ? "2020-08-31" : nil)
        try registry.decree("SK-3", wave: 3, issuedOn: "2020-06-15")
        for id in Int64(1)...Int64(participantsPerWorld) {
            try registry.registrant(id)
            try registry.member(id, decree: ["SK-1", "SK-2", "SK-3"][random.below(3)])
            if random.chance(0.85) {
                try registry.completion(id, on: ["2020-04-20", "2020-05-01", "2020-05-20", "2020-06-10", "2020-06-25"][random.below(5)])
            }
            for survey in 1...3 where random.chance(0.5) {
                try registry.survey(id, number: survey, on: ["2020-05-02", "2020-06-01", "2020-06-20", "2020-08-01"][random.below(4)])
            }
            let (provider, kind) = providers[random.below(providers.count)]
            try registry.account(id, provider: provider, kind: kind)
        }
    }

    /// One bad value for one column of one row: (label, SQL with $1 = registrant id, $2 = value).
    struct Damage {
        let label: String
        let sql: String
        let values: [String?]
    }

    static let texts: [String?] = [nil, "", " ", "   x", "unknown", "NULL", "'; DROP TABLE x;--"]
    static let catalogue: [Damage] = [
        Damage(label: "nik", sql: "UPDATE registry.registrants SET nik = $2 WHERE registrant_id = $1",
               values: texts + ["317100000000001", "31710000000000012", "３１７１０００００００００００１", "3171000000000002"]),
        Damage(label: "phone", sql: "UPDATE registry.registrants SET phone = $2 WHERE registrant_id = $1", values: texts + ["0812"]),
        Damage(label: "full_name", sql: "UPDATE registry.registrants SET full_name = $2 WHERE registrant_id = $1", values: texts),
        Damage(label: "registrant row twice",
               sql: "INSERT INTO registry.registrants SELECT * FROM registry.registrants WHERE registrant_id = $1 AND $2::text IS NULL LIMIT 1",
               values: [nil]),
        Damage(label: "registrant row gone", sql: "DELETE FROM registry.registrants WHERE registrant_id = $1 AND $2::text IS NULL", values: [nil]),
        Damage(label: "registrant_id", sql: "UPDATE registry.registrants SET registrant_id = $2::bigint WHERE registrant_id = $1", values: [nil]),
        Damage(label: "member status", sql: "UPDATE registry.decree_members SET status = $2 WHERE registrant_id = $1",
               values: texts + ["APPROVED", " approved", "approved ", "revoked", "approved"]),
        Damage(label: "member decree", sql: "UPDATE registry.decree_members SET decree_no = $2 WHERE registrant_id = $1",
               values: [nil, "", "SK-404", "SK-BAD", "SK-1", "SK-2"]),
        Damage(label: "member row twice",
               sql: "INSERT INTO registry.decree_members SELECT coalesce($2, decree_no), registrant_id, status, changed_at FROM registry.decree_members WHERE registrant_id = $1 LIMIT 1",
               values: [nil, "SK-1", "SK-2", "SK-404", "SK-BAD"]),
        Damage(label: "member registrant_id", sql: "UPDATE registry.decree_members SET registrant_id = $2::bigint WHERE registrant_id = $1",
               values: [nil]),
        Damage(label: "completed_at", sql: "UPDATE registry.training_completions SET completed_at = $2::timestamptz WHERE registrant_id = $1",
               values: [nil, "2020-05-15 10:00+07", "2020-12-31 10:00+07", "294276-12-31 23:00:00+00", "infinity", "-infinity",
                        "1970-01-01 00:00+00", "2019-06-01 10:00+07"]),
        Damage(label: "certificate", sql: "UPDATE registry.training_completions SET certificate_no = $2 WHERE registrant_id = $1", values: texts),
        Damage(label: "rating", sql: "UPDATE registry.training_completions SET rating = $2::smallint WHERE registrant_id = $1",
               values: [nil, "0", "6", "-1", "3"]),
        Damage(label: "review", sql: "UPDATE registry.training_completions SET review = $2 WHERE registrant_id = $1", values: texts),
        // F3: a completion that stopped qualifying on an earlier night is put right again.
        Damage(label: "completion repaired",
               sql: "UPDATE registry.training_completions SET review = 'Bagus', rating = 5, certificate_no = $2 WHERE registrant_id = $1",
               values: ["CERT"]),
        Damage(label: "completion registrant_id",
               sql: "UPDATE registry.training_completions SET registrant_id = $2::bigint WHERE registrant_id = $1", values: [nil]),
        Damage(label: "completion twice",
               sql: "INSERT INTO registry.training_completions SELECT registrant_id, course_id, coalesce($2::timestamptz, completed_at), certificate_no, rating, review FROM registry.training_completions WHERE registrant_id = $1 LIMIT 1",
               values: [nil, "2020-04-01 10:00+07"]),
        Damage(label: "survey_no", sql: "UPDATE registry.survey_responses SET survey_no = $2::int WHERE registrant_id = $1",
               values: [nil, "0", "4", "-1", "99"]),
        Damage(label: "submitted_at", sql: "UPDATE registry.survey_responses SET submitted_at = $2::timestamptz WHERE registrant_id = $1",
               values: [nil, "2021-01-01 10:00+07", "294276-12-31 23:00:00+00", "infinity", "-infinity", "1970-01-01 00:00+00"]),
        Damage(label: "survey twice",
               sql: "INSERT INTO registry.survey_responses SELECT registrant_id, survey_no, coalesce($2::timestamptz, submitted_at) FROM registry.survey_responses WHERE registrant_id = $1 LIMIT 1",
               values: [nil, "2020-04-25 10:00+07"]),
        Damage(label: "provider", sql: "UPDATE registry.payout_accounts SET provider = $2 WHERE registrant_id = $1",
               values: texts + ["bni", "VA", "JENIUS", "OVO", "BNI", "GOPAY"]),
        Damage(label: "kind", sql: "UPDATE registry.payout_accounts SET kind = $2 WHERE registrant_id = $1",
               values: texts + ["bank", "ewallet", "EWALLET", "Bank"]),
        Damage(label: "account_no", sql: "UPDATE registry.payout_accounts SET account_no = $2 WHERE registrant_id = $1",
               values: texts + [String(repeating: "9", count: 35), "-123", "=1+1", "812000000001", "0812-0000-0001", "١٢٣٤٥"]),
        Damage(label: "account_name", sql: "UPDATE registry.payout_accounts SET account_name = $2 WHERE registrant_id = $1", values: texts),
        Damage(label: "owner_nik", sql: "UPDATE registry.payout_accounts SET owner_nik = $2 WHERE registrant_id = $1",
               values: texts + ["3171000000000002"]),
        Damage(label: "upgraded", sql: "UPDATE registry.payout_accounts SET upgraded = $2::boolean WHERE registrant_id = $1",
               values: [nil, "false", "true"]),
        Damage(label: "account status", sql: "UPDATE registry.payout_accounts SET status = $2 WHERE registrant_id = $1",
               values: texts + ["Active", "inactive", "closed", "active"]),
        Damage(label: "linked_at", sql: "UPDATE registry.payout_accounts SET linked_at = $2::timestamptz WHERE registrant_id = $1",
               values: [nil, "2030-01-01 00:00+07"]),
        Damage(label: "account registrant_id", sql: "UPDATE registry.payout_accounts SET registrant_id = $2::bigint WHERE registrant_id = $1",
               values: [nil]),
        Damage(label: "second account",
               sql: "INSERT INTO registry.payout_accounts SELECT coalesce($2::bigint, account_id + 1000), registrant_id, 'OVO', 'ewallet', '0000', account_name, owner_nik, false, 'active', linked_at, updated_at FROM registry.payout_accounts WHERE registrant_id = $1 LIMIT 1",
               values: [nil, "1"]),
        // F7: another registrant's number, as linked or with a separator after its first
        // character; a move to a new number; a number paid before to someone else.
        Damage(label: "shares an account",
               sql: """
                   UPDATE registry.payout_accounts a SET provider = o.provider, kind = o.kind,
                          account_no = CASE WHEN a.registrant_id % 2 = 0 THEN o.account_no ELSE regexp_replace(o.account_no, '^(.)', '\\1-') END
                     FROM (SELECT provider, kind, account_no FROM registry.payout_accounts WHERE registrant_id = $2::bigint
                            ORDER BY linked_at DESC NULLS LAST LIMIT 1) o
                    WHERE a.registrant_id = $1
                   """,
               values: ["1", "2", "3", "4", "5"]),
        Damage(label: "moves to a new account",
               sql: """
                   INSERT INTO registry.payout_accounts
                   SELECT account_id + 2000 + $2::bigint, registrant_id, provider, kind,
                          CASE WHEN kind = 'ewallet' THEN account_no ELSE account_no || $2 END, account_name, owner_nik, upgraded,
                          status, linked_at + interval '1 day', updated_at
                     FROM registry.payout_accounts WHERE registrant_id = $1 ORDER BY linked_at DESC NULLS LAST LIMIT 1
                   """,
               values: ["7", "8"]),
        Damage(label: "takes a number paid before",
               sql: """
                   UPDATE registry.payout_accounts a SET provider = x.channel, account_no = x.account_no
                     FROM (SELECT channel, account_no FROM disbursement.payouts WHERE kind <> 'TRAINING' AND registrant_id = $2::bigint
                            ORDER BY business_date, end_to_end_id LIMIT 1) x
                    WHERE a.registrant_id = $1
                   """,
               values: ["1", "2", "3", "4", "5", "6"]),
        // F5: the same person registers again as registrant_id + 100 (approved, trained, an
        // account of their own), and the old row is deleted or given another NIK.
        Damage(label: "re-registers, old row gone", sql: reregistration + "DELETE FROM registry.registrants WHERE registrant_id = $1 AND $2::text IS NULL",
               values: [nil]),
        Damage(label: "re-registers, old NIK changed",
               sql: reregistration + "UPDATE registry.registrants SET nik = $2 WHERE registrant_id = $1",
               values: ["3171999999999991", "3171999999999992"]),
    ]

    static let reregistration = reregistrationSQL(nik: "nik", ownerNIK: "owner_nik")

    /// The registrant `$1` registered again as `$1 + 100`, approved, trained, with a copy of
    /// their accounts (number changed), under the NIK `nik` and with `ownerNIK` on the accounts
    /// (SQL expressions over the old rows, or a parameter); the caller appends the statement
    /// that ends the WITH.
    static func reregistrationSQL(nik: String, ownerNIK: String) -> String {
        """
        WITH r AS (INSERT INTO registry.registrants
                   SELECT $1::bigint + 100, \(nik), full_name, birth_date, phone, email, province_code, registered_at,
                          email_verified_at, nik_verified_at, phone_verified_at
                     FROM registry.registrants WHERE registrant_id = $1 LIMIT 1),
             m AS (INSERT INTO registry.decree_members
                   SELECT decree_no, $1::bigint + 100, 'approved', changed_at FROM registry.decree_members WHERE registrant_id = $1 LIMIT 1),
             c AS (INSERT INTO registry.training_completions
                   SELECT $1::bigint + 100, course_id, completed_at, certificate_no, rating, review
                     FROM registry.training_completions WHERE registrant_id = $1),
             a AS (INSERT INTO registry.payout_accounts
                   SELECT account_id + 5000, $1::bigint + 100, provider, kind, account_no || '9', account_name, \(ownerNIK), upgraded,
                          status, linked_at, updated_at
                     FROM registry.payout_accounts WHERE registrant_id = $1)

        """
    }

    /// Whole decrees: rarer, since they touch every member.
    static let decreeDamage: [(String, String?)] = [
        ("issued_on = NULL", nil), ("issued_on = DATE '1900-01-01'", nil), ("training_amount = NULL", nil),
        ("incentive_amount = 0", nil), ("survey_amount = -1", nil), ("incentive_amount = 9223372036854775807", nil),
        ("incentive_tranches = NULL", nil), ("incentive_tranches = 2147483647", nil), ("incentive_interval_days = -1", nil),
        ("survey_count = NULL", nil), ("payable_until = DATE '2020-01-01'", nil), ("payable_until = DATE '2020-06-20'", nil),
        ("decree_no = NULL", nil), ("decree_no = 'SK-BAD'", nil), ("issued_on = 'infinity'", nil),
        ("issued_on = DATE '2029-01-01'", nil),
    ]

    /// Every column of the catalogue is damaged in every world and night, with its values taken
    /// in turn across worlds (so a few hundred cases cover every column × every value), then
    /// `rounds` more at random.
    static func damage(_ env: TestEnvironment, _ random: inout SplitMix64, turn: Int, rounds: Int) throws {
        for (index, damage) in catalogue.enumerated() {
            let target = Int64(1 + random.below(participantsPerWorld))
            try env.connection.execute(damage.sql, [target, damage.values[(turn + index) % damage.values.count]])
        }
        for _ in 0..<rounds {
            let target = Int64(1 + random.below(participantsPerWorld))
            let damage = catalogue[random.below(catalogue.count)]
            let value = damage.values[random.below(damage.values.count)]
            try env.connection.execute(damage.sql, [target, value])
        }
        if random.chance(0.3) {
            let (assignment, _) = decreeDamage[random.below(decreeDamage.count)]
            let decree = ["SK-1", "SK-2", "SK-3"][random.below(3)]
            // The assignment is a constant of this file, never data.
            try env.connection.execute("UPDATE registry.decrees SET \(assignment) WHERE decree_no = $1", [decree])
        }
        if random.chance(0.2) {
            // A decree listed twice, or one put back as it should be.
            if random.chance(0.5) {
                try env.connection.execute("INSERT INTO registry.decrees SELECT * FROM registry.decrees WHERE decree_no = 'SK-2' LIMIT 1")
            } else {
                try env.connection.execute("DELETE FROM registry.decrees WHERE decree_no = 'SK-1'")
                try env.registry.decree("SK-1")
            }
        }
    }

    /// The channels answer the night's payouts: most PAID, some FAILED (temporary or permanent),
    /// some RETURNED, some not at all.
    static func answer(_ env: TestEnvironment, night: String, _ random: inout SplitMix64) throws {
        var lines = ["end_to_end_id,status,amount,reason_code,reason_text,settled_at"]
        for row in try env.connection.query(
            "SELECT end_to_end_id, amount FROM disbursement.payouts WHERE business_date = $1::date ORDER BY end_to_end_id", [night])
        {
            let reference = try row.decode(0, as: String.self)
            let amount = try row.decode(1, as: Int64.self)
            switch random.below(10) {
            case 0..<6: lines.append("\(reference),PAID,\(amount),,,")
            case 6: lines.append("\(reference),FAILED,\(amount),AM04,insufficient,")
            case 7: lines.append("\(reference),FAILED,\(amount),AC04,closed,")
            case 8: lines.append("\(reference),RETURNED,\(amount),MS03,,")
            default: break
            }
        }
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        let file = env.output.appending(path: "status-\(night).csv")
        try Data(lines.joined(separator: "\r\n").utf8).write(to: file)
        var logger = Logger(label: "search")
        logger.logLevel = .critical
        _ = try Reconciler(settings: env.settings, logger: logger).reconcile(
            try env.database.connect(), files: [file.path], format: nil, dryRun: false,
            asOf: BusinessDate(night) ?? .today, arguments: [])
        #expect(try PayoutTotals.drift(env.connection) == 0)
    }

    /// Returns the NIKs recorded and the first completion days kept after the night, for the
    /// next night's model.
    static func checkModel(
        _ env: TestEnvironment, night: String, seed: UInt64, recordedNIKs: [String: Set<Int64>], keptFirstDays: [Int64: String]
    ) throws -> ([String: Set<Int64>], [Int64: String]) {
        let model = try RegistryModel(
            env.connection, date: night, settings: env.settings, recordedNIKs: recordedNIKs, keptFirstDays: keptFirstDays)
        let context = "seed \(seed), night \(night)"
        for row in try env.connection.query(
            "SELECT registrant_id, kind, number, channel, account_no, amount, va FROM disbursement.payouts WHERE business_date = $1::date",
            [night])
        {
            let id = try row.decode(0, as: Int64.self)
            let kind = try row.decode(1, as: String.self)
            let number = try row.decode(2, as: Int.self)
            if let why = model.forbidden(
                registrant: id, kind: kind, number: number, channel: try row.decode(3), accountNo: try row.decode(4),
                amount: try row.decode(5), va: try row.decodeIfPresent(6))
            {
                Issue.record("\(context): \(id)/\(kind)\(number) was paid but must not be: \(why)")
            }
        }
        #expect(try env.count(
            "SELECT count(*) FROM (SELECT 1 FROM disbursement.payouts WHERE live GROUP BY registrant_id, kind, number HAVING count(*) > 1) x") == 0,
            "\(context): two live payouts of one entitlement")

        var states: [RegistryModel.Key: Set<String>] = [:]
        for row in try env.connection.query(
            """
            SELECT registrant_id, kind, number, 'expired' FROM disbursement.expired
            UNION ALL SELECT registrant_id, kind, number, 'held' FROM disbursement.holds WHERE released_on IS NULL
            UNION ALL SELECT registrant_id, kind, number, CASE WHEN bool_or(live) THEN 'paid' ELSE 'retry' END
                        FROM disbursement.payouts GROUP BY registrant_id, kind, number
            """)
        {
            let key = RegistryModel.Key(registrant: try row.decode(0), kind: try row.decode(1), number: try row.decode(2))
            states[key, default: []].insert(try row.decode(3, as: String.self))
        }
        // An entitlement whose payment failed may rightly be held (RETRY_LIMIT, PERMANENT_FAILURE).
        let retried = Set(try env.connection.query(
            "SELECT DISTINCT registrant_id, kind, number FROM disbursement.payouts WHERE status IN ('FAILED', 'RETURNED')"
        ).map { RegistryModel.Key(registrant: try $0.decode(0), kind: try $0.decode(1), number: try $0.decode(2)) })
        let vas = Set(try env.connection.query("SELECT registrant_id FROM disbursement.virtual_accounts").map { try $0.decode(0, as: Int64.self) })
        for id in model.participants {
            let due = model.due(id)
            if !due.isEmpty && !vas.contains(id) { Issue.record("\(context): approved participant \(id) has no VA") }
            let payable = model.identityOK(id) && model.approvedScheme(id).map { $0.payableUntil.map { $0 >= night } ?? true } == true
            for key in due.keys {
                let state = states[key] ?? []
                if state.isEmpty { Issue.record("\(context): \(key) is due and in no state: it vanished") }
                // Earlier failed attempts of an expired entitlement are history; a live payout or an
                // active hold beside an expiry is not.
                if state.contains("expired") && (state.contains("paid") || state.contains("held")) {
                    Issue.record("\(context): \(key) is expired and also \(state.sorted())")
                }
                let accountOK = key.kind == "TRAINING" || ((try? model.payableAccount(id).get()) != nil && !model.completionWithdrawn(id))
                if payable && accountOK && !retried.contains(key) && state != ["paid"] {
                    Issue.record("\(context): \(key) is due and payable but \(state.sorted())")
                }
            }
        }
        let paid = Set(try env.connection.query(
            "SELECT registrant_id FROM disbursement.payouts WHERE business_date = $1::date", [night]).map { try $0.decode(0, as: Int64.self) })
        let numbered = Set(try env.connection.query(
            "SELECT registrant_id FROM disbursement.virtual_accounts WHERE issued_on = $1::date", [night]).map { try $0.decode(0, as: Int64.self) })
        return (model.recordNIKs(paid: paid, numbered: numbered), model.keepFirstDays())
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same registry on any machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ probability: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < probability }
}
