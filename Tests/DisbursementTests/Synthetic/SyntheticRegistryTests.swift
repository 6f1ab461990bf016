import Foundation
import Testing

@testable import Disbursement

@Suite("synthetic registry")
struct SyntheticRegistryTests {
    static func generate(seed: Int, registrants: Int = 5_000) throws -> TestDatabase {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        try connection.executeScript(try String(contentsOf: Paths.repository.appending(path: "sql/synthetic.sql"), encoding: .utf8))
        try connection.execute("SELECT synthetic.generate($1::int, $2::int, '2020-06-01')", [registrants, seed])
        return database
    }

    static func fingerprint(_ database: TestDatabase) throws -> String {
        try database.connect().queryOne(
            """
            SELECT md5(concat_ws('|',
                (SELECT string_agg(t::text, ',' ORDER BY registrant_id) FROM registry.registrants t),
                (SELECT string_agg(t::text, ',' ORDER BY decree_no, registrant_id) FROM registry.decree_members t),
                (SELECT string_agg(t::text, ',' ORDER BY registrant_id) FROM registry.training_completions t),
                (SELECT string_agg(t::text, ',' ORDER BY registrant_id, survey_no) FROM registry.survey_responses t),
                (SELECT string_agg(t::text, ',' ORDER BY account_id) FROM registry.payout_accounts t)))
            """
        ).decode(0)
    }

    @Test func theSameSeedGivesTheSameRegistryAndAnotherSeedAnother() throws {
        let (first, second, other) = (try Self.generate(seed: 3), try Self.generate(seed: 3), try Self.generate(seed: 4))
        let a = try Self.fingerprint(first)
        let b = try Self.fingerprint(second)
        let c = try Self.fingerprint(other)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func theFunnelHasTheProgrammesShape() throws {
        let database = try Self.generate(seed: 1, registrants: 20_000)
        let connection = try database.connect()
        func share(_ sql: String) throws -> Double { try connection.queryOne(sql).decode(0, as: Double.self) }
        #expect(abs(try share("SELECT avg((email_verified_at IS NOT NULL)::int) FROM registry.registrants") - 0.78) < 0.03)
        #expect(abs(try share("SELECT avg((nik_verified_at IS NOT NULL)::int) FROM registry.registrants") - 0.58) < 0.04)
        #expect(abs(try share("SELECT avg((phone_verified_at IS NOT NULL)::int) FROM registry.registrants") - 0.52) < 0.04)
        let approved = try share("SELECT count(DISTINCT registrant_id)::float8 / 20000 FROM registry.decree_members")
        #expect(approved > 0.2 && approved < 0.25)
        let trained = try share(
            "SELECT count(DISTINCT c.registrant_id)::float8 / (SELECT count(DISTINCT registrant_id) FROM registry.decree_members) FROM registry.training_completions c")
        #expect(trained > 0.55 && trained < 0.72)
        #expect(try connection.queryOne("SELECT count(DISTINCT wave) FROM registry.decrees").decode(0, as: Int.self) == 7)
    }

    static let dirtyKinds: [(String, String)] = [
        ("NIK of the wrong length", "SELECT count(*) FROM registry.registrants WHERE length(nik) <> 16"),
        ("NIK with letters", "SELECT count(*) FROM registry.registrants WHERE nik ~ '[A-Za-z]'"),
        ("NIK with spaces", "SELECT count(*) FROM registry.registrants WHERE nik LIKE '% %'"),
        ("duplicate NIK", "SELECT count(*) FROM (SELECT nik FROM registry.registrants GROUP BY nik HAVING count(*) > 1) d"),
        ("registrant in two decrees", "SELECT count(*) FROM (SELECT registrant_id FROM registry.decree_members GROUP BY 1 HAVING count(*) > 1) d"),
        ("revoked member", "SELECT count(*) FROM registry.decree_members WHERE status = 'revoked'"),
        ("e-wallet number not the phone", "SELECT count(*) FROM registry.payout_accounts a JOIN registry.registrants r USING (registrant_id) WHERE a.kind = 'ewallet' AND a.account_no <> r.phone"),
        ("owner NIK not the NIK", "SELECT count(*) FROM registry.payout_accounts a JOIN registry.registrants r USING (registrant_id) WHERE a.owner_nik <> r.nik"),
        ("inactive account", "SELECT count(*) FROM registry.payout_accounts WHERE status = 'inactive'"),
        ("closed account with no newer one", "SELECT count(*) FROM registry.payout_accounts a WHERE status = 'closed' AND NOT EXISTS (SELECT 1 FROM registry.payout_accounts b WHERE b.registrant_id = a.registrant_id AND b.status <> 'closed')"),
        ("e-wallet not upgraded", "SELECT count(*) FROM registry.payout_accounts WHERE kind = 'ewallet' AND NOT upgraded"),
        ("unsupported provider", "SELECT count(*) FROM registry.payout_accounts WHERE provider = 'JENIUS'"),
        ("approved without an account", "SELECT count(*) FROM registry.decree_members m WHERE NOT EXISTS (SELECT 1 FROM registry.payout_accounts a WHERE a.registrant_id = m.registrant_id)"),
        ("older closed and newer active account", "SELECT count(*) FROM (SELECT registrant_id FROM registry.payout_accounts GROUP BY 1 HAVING count(*) > 1) d"),
        ("name with an apostrophe", "SELECT count(*) FROM registry.registrants WHERE full_name LIKE '%''%'"),
        ("name with an ampersand", "SELECT count(*) FROM registry.registrants WHERE full_name LIKE '%&%'"),
        ("name with <", "SELECT count(*) FROM registry.registrants WHERE full_name LIKE '%<%'"),
        ("name with a double quote", "SELECT count(*) FROM registry.registrants WHERE full_name LIKE '%\"%'"),
        ("name with a comma", "SELECT count(*) FROM registry.registrants WHERE full_name LIKE '%,%'"),
        ("name with non-ASCII letters", "SELECT count(*) FROM registry.registrants WHERE full_name ~ '[^\\x01-\\x7F]'"),
        ("completion without a certificate", "SELECT count(*) FROM registry.training_completions WHERE certificate_no IS NULL"),
        ("completion with a blank review", "SELECT count(*) FROM registry.training_completions WHERE btrim(review) = ''"),
    ]

    @Test func evenASmallRegistryHoldsEveryKindOfDirtyRow() throws {
        let database = try Self.generate(seed: 9, registrants: 2_000)
        let connection = try database.connect()
        for (kind, sql) in Self.dirtyKinds {
            #expect(try connection.queryOne(sql).decode(0, as: Int.self) >= 2, "no \(kind)")
        }
    }
}
