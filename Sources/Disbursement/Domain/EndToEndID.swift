/// The payout an end-to-end id names, `PK-<registrant>-<K><number>-<attempt>`, formatted and
/// read here and nowhere else in Swift. The night's SQL writes the same form (`EligibilitySQL.payouts`),
/// the payouts table checks it (migration 0002), and `EndToEndIDTests` proves the three agree.
/// Reading is strict: digits without sign or leading zero, K one of T, I, S. Anything else
/// names no payout, so a lookalike such as `PK-007-I1-1` never matches one; the reconciler
/// then matches on the payouts' primary key instead of a pattern in SQL.
struct EndToEndID: Equatable, Sendable, CustomStringConvertible {
    let registrantID: Int64
    let kind: EntitlementKind
    let number: Int32
    let attempt: Int32

    init(registrantID: Int64, kind: EntitlementKind, number: Int32, attempt: Int32) {
        self.registrantID = registrantID
        self.kind = kind
        self.number = number
        self.attempt = attempt
    }

    var description: String { "PK-\(registrantID)-\(Character(Unicode.Scalar(kind.letter)))\(number)-\(attempt)" }

    init?(_ text: String) {
        var bytes = text.utf8[...]
        guard bytes.starts(with: "PK-".utf8) else { return nil }
        bytes = bytes.dropFirst(3)
        guard let registrant = Self.number(&bytes, maxDigits: 18), bytes.popFirst() == 0x2D,
            let letter = bytes.popFirst()
        else { return nil }
        guard let kind = EntitlementKind(letter: letter) else { return nil }
        self.kind = kind
        guard let number = Self.number(&bytes, maxDigits: 9), bytes.popFirst() == 0x2D,
            let attempt = Self.number(&bytes, maxDigits: 9), bytes.isEmpty
        else { return nil }
        registrantID = registrant
        self.number = Int32(number)
        self.attempt = Int32(attempt)
    }

    /// A positive decimal at the front of `bytes`, consumed; nil for none, a leading zero or
    /// more than `maxDigits` digits (18 fit a bigint, 9 an integer).
    private static func number(_ bytes: inout Substring.UTF8View.SubSequence, maxDigits: Int) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
            if digits == 0 && byte == 0x30 { return nil }
            digits += 1
            guard digits <= maxDigits else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            bytes.removeFirst()
        }
        return digits > 0 ? value : nil
    }
}
