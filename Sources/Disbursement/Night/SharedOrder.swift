/// The ordering rules the night shares with the participant statement (migrations 0051, 0055),
/// as the night sorts by them. Each rule is a function returning a row (`decree_precedence`,
/// `account_recency`, `account_tie_break`); the statement sorts one person's few rows by that
/// row. The night sorts millions, and building a row for each costs about 0.4 µs (2–4 s over
/// the 5.5 M accounts of the 24 M bench registry), so it sorts by the row's fields, which the
/// planner reads straight from the inlined expression: the same plan, at the cost it had when
/// the columns were written out. Sorting a row and sorting its fields one by one in the same
/// direction give the same order, NULL fields included (a row compares them as greater).
/// `SharedRulesPlanTests` checks the fields against the types.
enum SharedOrder {
    static let decreePrecedenceFields = ["not_approved", "issued_on", "decree_no"]
    static let accountRecencyFields = ["linked", "linked_at", "account_id"]
    static let accountTieBreakFields = [
        "active", "status", "upgraded", "provider", "kind", "account_no", "owner_nik", "account_name", "updated_at",
    ]

    /// Ascending: the decree whose scheme applies first.
    static func decreePrecedence(status: String, issuedOn: String, decreeNo: String) -> String {
        fields(of: "disbursement.decree_precedence(\(status), \(issuedOn), \(decreeNo))", decreePrecedenceFields, "")
    }

    /// Descending: the account in force first.
    static func accountRecency(linkedAt: String, accountID: String) -> String {
        fields(of: "disbursement.account_recency(\(linkedAt), \(accountID))", accountRecencyFields, " DESC")
    }

    /// Ascending: the row that pays less first (migration 0055), after `accountRecency`.
    static func accountTieBreak(_ alias: String) -> String {
        let key = """
            disbursement.account_tie_break(\(alias).status, \(alias).upgraded, \(alias).provider, \(alias).kind, \
            \(alias).account_no, \(alias).owner_nik, \(alias).account_name, \(alias).updated_at)
            """
        return fields(of: key, accountTieBreakFields, "")
    }

    private static func fields(of key: String, _ names: [String], _ direction: String) -> String {
        names.map { "(\(key)).\($0)\(direction)" }.joined(separator: ", ")
    }
}
