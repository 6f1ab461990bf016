/// The row-count check of a registry table whose deletions matter to an incremental night
/// (docs/design.md, "Incremental nights"). A deleted row leaves no row version behind, so each
/// registrant's rows are counted and kept in a state table, and the table's count tonight tells
/// when someone the night did not look at lost rows: their rows are as last counted exactly
/// when the table holds the last night's count plus the changed registrants' difference.
struct RowCountGuard: Sendable {
    /// Membership rows, for the participants the night decides (`run_touched`).
    static let members = RowCountGuard(
        table: "registry.decree_members", changed: "run_touched", counts: "run_member_rows",
        state: "disbursement.participant_state", column: "member_rows")
    /// Account rows, for the registrants whose number is worked out again (`run_account_changed`).
    static let accounts = RowCountGuard(
        table: "registry.payout_accounts", changed: "run_account_changed", counts: "run_account_rows",
        state: "disbursement.account_numbers", column: "account_rows")

    /// The registry table, the temporary table of registrants changed tonight, the temporary
    /// table of their counts, and the state table and column the counts are kept in. Tonight's
    /// and the last night's totals are the settings `disburse.COLUMN` and `disburse.last_COLUMN`.
    let table: String
    let changed: String
    let counts: String
    let state: String
    let column: String

    /// Each changed registrant's rows now (`column`) and as last counted (`stored_rows`).
    var countChanged: String {
        """
        CREATE TEMP TABLE \(counts) ON COMMIT DROP AS
        SELECT c.registrant_id, coalesce(s.\(column), 0) AS stored_rows,
               (SELECT count(*) FROM \(table) x WHERE x.registrant_id = c.registrant_id)::int AS \(column)
          FROM \(changed) c
          LEFT JOIN \(state) s USING (registrant_id)
        """
    }

    var check: String {
        """
        SELECT current_setting('disburse.\(column)')::bigint
             = current_setting('disburse.last_\(column)')::bigint
               + (SELECT coalesce(sum(\(column) - stored_rows), 0) FROM \(counts)) AS consistent
        """
    }

    /// Rare: rows vanished. Every registrant whose count differs from the one kept is changed.
    var recount: String {
        """
        INSERT INTO \(changed)
        SELECT registrant_id
          FROM (SELECT registrant_id, count(*)::int AS n FROM \(table)
                 WHERE registrant_id IS NOT NULL GROUP BY registrant_id) m
          FULL JOIN \(state) s USING (registrant_id)
         WHERE coalesce(m.n, 0) <> coalesce(s.\(column), 0)
        ON CONFLICT DO NOTHING
        """
    }

    /// Counts the changed registrants' rows; when the table's count says rows vanished from
    /// someone unchanged, adds every registrant whose count differs and counts again. Returns
    /// how many registrants were added.
    func countChangedRegistrants(_ connection: Connection) throws -> Int {
        try connection.execute(countChanged)
        guard try !connection.queryOne(check).decode("consistent", as: Bool.self) else { return 0 }
        let recounted = try connection.execute(recount)
        try connection.execute("DROP TABLE \(counts)")
        try connection.execute(countChanged)
        return recounted
    }
}
