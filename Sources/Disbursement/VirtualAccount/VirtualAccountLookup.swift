/// `va lookup` and `va check`.
public enum VirtualAccountLookup {
    public static func lookup(_ number: String, _ connection: Connection) throws -> String {
        guard let row = try connection.query(
            """
            SELECT v.registrant_id, v.va, v.prefix, v.issued_on, r.nik, r.full_name,
                   EXISTS (SELECT 1 FROM registry.decree_members m WHERE m.registrant_id = v.registrant_id AND m.status = 'approved') AS approved
              FROM disbursement.virtual_accounts v
              LEFT JOIN registry.registrants r USING (registrant_id)
             WHERE v.va = $1
            """, [number]
        ).first else {
            throw InputError("No participant holds VA \(Masking.digitRuns(number)): check the number with `disburse va check`.")
        }
        return """
            VA            \(try row.decode("va", as: String.self))
            Participant   \(try row.decode("registrant_id", as: Int64.self))
            NIK           \(Masking.lastFour(try row.decodeIfPresent("nik", as: String.self)))
            Name          \(Masking.name(try row.decodeIfPresent("full_name", as: String.self)))
            Issued on     \(try row.decode("issued_on", as: String.self))
            Approved      \(try row.decode("approved", as: Bool.self) ? "yes" : "no (revoked; the number stays theirs)")
            """
    }

    public struct Verdict: CustomStringConvertible, Sendable {
        public let isValid: Bool
        public let description: String
    }

    /// Well formed, right check digit, and (when the database can be asked) a known prefix.
    public static func check(_ typed: String, _ connection: Connection?) throws -> Verdict {
        let digits = typed.filter { $0 != " " && $0 != "-" }
        guard digits.count == 16 else {
            return Verdict(isValid: false, description: "Not a VA: it has \(digits.count) digits; a VA has 16.")
        }
        guard digits.allSatisfy(\.isASCIIDigit) else {
            return Verdict(isValid: false, description: "Not a VA: it contains characters other than digits.")
        }
        guard Damm.isValid(digits) else {
            return Verdict(isValid: false, description: "Not a VA: the check digit is wrong (a digit was probably mistyped or two swapped).")
        }
        guard let connection else {
            return Verdict(isValid: true, description: "Well formed, check digit right (the database could not be asked whether the prefix is ours).")
        }
        let prefixes = try connection.query("SELECT prefix FROM disbursement.va_ranges").map { try $0.decode(0, as: String.self) }
        guard let prefix = prefixes.first(where: { digits.hasPrefix($0) }) else {
            return Verdict(isValid: false, description: "Not one of ours: well formed, but no issuer prefix of this programme starts it.")
        }
        return Verdict(isValid: true, description: "Well formed: issuer prefix \(prefix), check digit right.")
    }
}
