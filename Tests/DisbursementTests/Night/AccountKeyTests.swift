import Foundation
import Testing

@testable import Disbursement

/// Migration 0053 rewrote `disbursement.account_key` without translate(). The keys must be
/// exactly what 0022's form gave for every string, or SHARED_ACCOUNT would stop matching
/// numbers already paid (and `payouts_by_account`, built from the old form, would lie).
/// Both forms run in the database over seeded strings of separators, ASCII, accented and
/// non-Latin letters, the Turkish dotted and dotless i, ligatures and full-width forms.
@Suite("account key")
struct AccountKeyTests {
    static let oldForm = """
        translate(regexp_replace(coalesce(s, ''), '[^0-9A-Za-z]', '', 'g'),
                  'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
        """

    static let alphabet: [String] = Array("0123456789abcxyzABCXYZiIıİßﬁＡａéÉ -./_\t\u{0301}ЖжΣσ€😀").map(String.init)

    @Test func bothFormsAgreeOnGeneratedNumbers() throws {
        let env = try TestEnvironment()
        var random = SplitMix64(seed: 0x4B45_5953)
        var samples: [String?] = [nil, "", " ", "0012 345-a", "İstanbul-ı", "ﬁ-ß"]
        for _ in 0..<3000 {
            let length = random.below(12)
            samples.append((0..<length).map { _ in Self.alphabet[random.below(Self.alphabet.count)] }.joined())
        }
        let literal = samples.map { $0.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL" }
        let differing = try env.connection.query(
            """
            SELECT s FROM (VALUES \(literal.map { "(\($0)::text)" }.joined(separator: ", "))) v(s)
             WHERE disbursement.account_key(s) IS DISTINCT FROM \(Self.oldForm)
            """
        ).map { try $0.decodeIfPresent(0, as: String.self) ?? "NULL" }
        #expect(differing.isEmpty, "account_key differs from 0022's form for \(differing.prefix(5))")
        // Also where the database's own locale would fold case differently.
        let turkish = try env.connection.queryOne("SELECT disbursement.account_key('iıİI-ab')").decode(0, as: String.self)
        #expect(turkish == "IIAB")
    }
}
