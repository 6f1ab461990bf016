/// An amount as a status file writes it: a decimal with any number of decimals (`600000`,
/// `600000.00`, `600000.00000`). Zero decimals are whole rupiah. A non-zero fraction is a
/// well-formed amount that no payout of ours can have (they are whole rupiah), so it is an
/// AMOUNT_MISMATCH exception, not a malformed file. Anything that is not such a decimal, and
/// any amount above 10^12 rupiah, makes the file malformed (SPEC §7). pain.002 amounts are
/// xs:decimal, whose lexical forms also allow a leading `+`, a trailing dot (`600000.`) and no
/// digit before the dot (`.5`); the CSV form is ours and stays strict. Exponents and signs
/// other than a leading `+` are refused in both.
enum StatusAmount: Equatable {
    case whole(Int64)
    /// The amount as written (trimmed), for the exception's detail.
    case fraction(String)

    static let limit: Int64 = 1_000_000_000_000

    /// Nil for an empty field: the channel did not say.
    static func parse(_ text: String, line: Int?, xsDecimal: Bool = false) throws(StatusFileError) -> StatusAmount? {
        let value = text.trimmingSpaces
        if value.isEmpty { return nil }
        var whole: Int64 = 0
        var digits = 0, fractionDigits = 0
        var inFraction = false, fractionIsZero = true
        for (index, byte) in value.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "+") where xsDecimal && index == 0:
                continue
            case 0x30...0x39 where !inFraction:
                digits += 1
                whole = whole * 10 + Int64(byte - 0x30)
                // Leading zeros are allowed; the value is what must stay within the limit.
                guard whole <= limit else { throw tooLarge(text, line: line) }
            case 0x30...0x39:
                fractionDigits += 1
                if byte != 0x30 { fractionIsZero = false }
            case UInt8(ascii: ".") where !inFraction && (digits > 0 || xsDecimal):
                inFraction = true
            default:
                throw StatusFileError(
                    line: line, problem: "amount '\(Masking.digitRuns(String(text.prefix(24))))' is not a decimal number of rupiah")
            }
        }
        let wellFormed = xsDecimal ? digits + fractionDigits > 0 : digits > 0 && (!inFraction || fractionDigits > 0)
        guard wellFormed else {
            throw StatusFileError(line: line, problem: "amount '\(Masking.digitRuns(String(text.prefix(24))))' is not a decimal number of rupiah")
        }
        if fractionIsZero { return .whole(whole) }
        guard whole < limit else { throw tooLarge(text, line: line) }
        return .fraction(String(value.prefix(40)))
    }

    /// Whether `written`, which `parse` read as `amount` whole, is its plain form: the digits
    /// alone, without blanks, leading zeros or decimals (a form of it is longer exactly when not).
    static func isPlain(_ written: String, _ amount: Int64) -> Bool {
        var digits = 1, rest = amount / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return written.utf8.count == digits
    }

    private static func tooLarge(_ text: String, line: Int?) -> StatusFileError {
        StatusFileError(line: line, problem: "amount '\(Masking.digitRuns(String(text.prefix(24))))' is above 10^12 rupiah; no payout comes near, ask the channel")
    }
}
