import Foundation
import Testing

@testable import Disbursement

/// Attack 30 (report-only): migration 0055's account tie-break (fd23ea6) and the two columns
/// `report reconciliation` gained (30d741b).
@Suite("attack 30")
struct Attack30Tests {
    // F1 (a tie-break row built per account in the night's sorts) is checked with every other
    // ordering key in `SharedRulesPlanTests.theNightsStatementsCallNoSharedRule`.
}

extension Attack30Tests {
    /// One registry account row as the search writes it.
    struct Row: Equatable, CustomStringConvertible {
        var status: String?, upgraded: Bool?, provider: String?, kind: String?, accountNo: String?
        var ownerNIK: String?, accountName: String?, updatedAt: String?

        var description: String {
            [status, upgraded.map { "\($0)" }, provider, kind, accountNo, ownerNIK, accountName, updatedAt]
                .map { $0 ?? "NULL" }.joined(separator: "|")
        }

        /// The pre-0055 order, written out independently of the SQL: not active first, then
        /// status, not upgraded first, then every column; ascending, NULLs last, byte order (the
        /// test cluster is C.UTF-8 and every value here is ASCII).
        static func precedes(_ a: Row, _ b: Row) -> Bool {
            func key(_ row: Row) -> [Part] {
                [.bool(row.status == "active"), .text(row.status), .bool(row.upgraded == true), .text(row.provider),
                 .text(row.kind), .text(row.accountNo), .text(row.ownerNIK), .text(row.accountName), .text(row.updatedAt)]
            }
            for (x, y) in zip(key(a), key(b)) where x != y { return x < y }
            return false
        }

        enum Part: Equatable, Comparable {
            case bool(Bool), text(String?)
            static func < (l: Part, r: Part) -> Bool {
                switch (l, r) {
                case (.bool(let x), .bool(let y)): return !x && y
                case (.text(let x), .text(let y)):
                    switch (x, y) {
                    case (nil, _): return false
                    case (_, nil): return true
                    case (let x?, let y?): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
                    }
                default: return false
                }
            }
        }
    }

    /// Search: two to four copies of one account (same account_id and linked_at), each column
    /// drawn from a few dirty values (NULLs, case, a closed copy). The full night's pick
    /// (`allAccounts`), the incremental pick (`keepChangedAccountNumbers`' provider and number)
    /// and the participant statement's account must all be the row the old column order picks
    /// (model above); the statement only on the columns it shows. Nothing found: the three
    /// agree, and with the old order, on every seed.
    @Test func attack30TiedAccountRowsPickTheSameRowEverywhere() throws {
        let env = try TestEnvironment()
        try DirtyRegistrySearchTests.distrustConstraints(env.connection)
        try env.registry.registrant(1, nik: "3171000000000001")
        let connection = env.connection
        let date = try #require(BusinessDate("2020-06-01"))
        for seed: UInt64 in 0..<80 {
            var random = StatusModel.Random(seed: 0x3000_0000 + seed)
            func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
            let rows = (0..<(2 + Int(random.next() % 3))).map { _ in
                Row(status: pick(["active", "active", "inactive", "closed", nil]), upgraded: pick([true, true, false, nil]),
                    provider: pick(["BNI", "bni", "OVO", nil]), kind: pick(["bank", "ewallet", nil]),
                    accountNo: pick(["0012345678", "001-234-5678", "6281200000000", nil]),
                    ownerNIK: pick(["3171000000000001", "3171000000000002", nil]), accountName: pick(["Siti", "siti", nil]),
                    updatedAt: pick(["2020-04-10 00:00+00", "2020-04-11 00:00+00", nil]))
            }
            try connection.execute("DELETE FROM registry.payout_accounts")
            for row in rows {
                let parameters: [(any PostgresEncodable)?] = [
                    row.status, row.upgraded, row.provider, row.kind, row.accountNo, row.ownerNIK, row.accountName, row.updatedAt,
                ]
                try connection.execute(
                    """
                    INSERT INTO registry.payout_accounts VALUES (77, 1, $3, $4, $5, $7, $6, $2, $1, '2020-04-10', $8::timestamptz)
                    """, parameters)
            }
            let inForce = rows.filter { $0.status != "closed" }
            let expected = inForce.min(by: Row.precedes)
            let context = "seed \(seed): \(rows)"
            try connection.withTransaction(rollbackOnly: true) {
                try EligibilitySQL.bind(connection, date: date, settings: env.settings)
                try connection.execute(NightScopeSQL.allAccounts)
                let night = try connection.query(
                    """
                    SELECT status, upgraded, provider, kind, account_no, owner_nik, account_name,
                           to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || '+00' AS updated_at
                      FROM run_account WHERE registrant_id = 1 AND in_force
                    """
                ).map {
                    Row(status: try $0.decodeIfPresent("status", as: String.self), upgraded: try $0.decodeIfPresent("upgraded", as: Bool.self),
                        provider: try $0.decodeIfPresent("provider", as: String.self), kind: try $0.decodeIfPresent("kind", as: String.self),
                        accountNo: try $0.decodeIfPresent("account_no", as: String.self),
                        ownerNIK: try $0.decodeIfPresent("owner_nik", as: String.self),
                        accountName: try $0.decodeIfPresent("account_name", as: String.self),
                        updatedAt: try $0.decodeIfPresent("updated_at", as: String.self))
                }.first
                #expect(night == expected, "full night, \(context)")
                try connection.execute("CREATE TEMP TABLE run_account_changed (registrant_id bigint PRIMARY KEY) ON COMMIT DROP")
                try connection.execute("INSERT INTO run_account_changed VALUES (1)")
                for statement in NightScopeSQL.keepChangedAccountNumbers { try connection.execute(statement) }
                let kept = try connection.queryOne("SELECT provider FROM disbursement.account_numbers WHERE registrant_id = 1")
                    .decodeIfPresent("provider", as: String.self)
                #expect(kept == expected?.provider, "incremental, \(context)")
            }
            let account = try StatementLookup.statement("1", connection).account
            #expect(account?.status == expected?.status && account?.provider == expected?.provider
                        && account?.kind == expected?.kind && account?.upgraded == expected?.upgraded,
                    "statement \(String(describing: account)), \(context)")
            if let number = expected?.accountNo, let shown = account?.number {
                #expect(shown.hasSuffix(String(number.suffix(4))), "statement number \(shown), \(context)")
            }
        }
    }
}

extension Attack30Tests {
    /// 30d741b: the two appended columns reach every format (table, CSV, JSON, the finance
    /// page), each after `unanswered`, and the row of payouts no file answered has them too.
    /// Nothing found: the renderers read the typed row's column names, none by position.
    @Test func attack30ReconciliationColumnsInEveryFormat() throws {
        let env = try ReconcilerTests.night()
        let url = try ReconciliationAttackTests.unknownStatusFile(env)
        #expect(try env.cli("reconcile", url.path, "--as-of", "2020-06-02").status == 3)
        // Weeks later every other payout is unanswered: the row of no file.
        _ = try env.cli("reconcile", url.path, "--as-of", "2020-07-30")
        let table = try env.cli("report", "reconciliation")
        #expect(table.status == 0, "\(table.stderr)")
        let header = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("imported_at") })
        #expect(header.split(separator: " ").suffix(3).map(String.init) == ["unanswered", "unknown_status", "duplicate_message"])
        let json = try env.cli("report", "reconciliation", "--format", "json")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(!objects.isEmpty)
        for object in objects {
            #expect(object["unknown_status"] is Int && object["duplicate_message"] is Int, "\(object)")
            let kinds = ["unknown_reference", "amount_mismatch", "duplicate_line", "status_conflict", "double_payment",
                         "unanswered", "unknown_status", "duplicate_message"].compactMap { object[$0] as? Int }
            #expect(kinds.reduce(0, +) == object["exceptions"] as? Int, "\(object)")
        }
        #expect(objects.contains { $0["file"] as? String == "unknown.xml" && $0["unknown_status"] as? Int == 1 })
        #expect(objects.contains { $0["file"] as? String == "(no answer from any file)" }, "\(json.stdout)")
        let html = try env.cli("report", "html")
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("<th>unanswered</th><th>unknown_status</th><th>duplicate_message</th>"))
    }
}
