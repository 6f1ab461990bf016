/// The night's proof that nothing vanished (SPEC §3, §8), per decree: every entitlement the
/// night found due (and not settled or expired before) is, once the night's rows are written,
/// in exactly one state. The states are read back from the tables the night wrote, not from its
/// decisions, and taken in this order: expired, held (an active hold counts even when a payout
/// of it is live), paid or in flight (a live payout), awaiting retry (every attempt failed or
/// returned). An entitlement in none of them has vanished and fails the proof.
enum DecreeProof {
    static let record = """
        INSERT INTO disbursement.decree_proofs
        WITH state AS (
            SELECT e.decree_no, e.amount AS due,
                   CASE WHEN x.registrant_id IS NOT NULL THEN 'expired'
                        WHEN h.registrant_id IS NOT NULL THEN 'held'
                        WHEN p.registrant_id IS NOT NULL THEN 'paid'
                        WHEN EXISTS (SELECT 1 FROM disbursement.payouts q
                                      WHERE q.registrant_id = e.registrant_id AND q.kind = e.kind AND q.number = e.number)
                             THEN 'retry'
                   END AS state,
                   -- What was recorded, where the state carries an amount of its own; a hold keeps
                   -- the amount it started with, so it is counted at the amount due tonight.
                   CASE WHEN x.registrant_id IS NOT NULL THEN x.amount
                        WHEN h.registrant_id IS NOT NULL THEN e.amount
                        WHEN p.registrant_id IS NOT NULL THEN p.amount
                        ELSE e.amount END AS amount
              FROM run_entitlement e
              LEFT JOIN disbursement.expired x
                     ON x.registrant_id = e.registrant_id AND x.kind = e.kind AND x.number = e.number
              LEFT JOIN disbursement.holds h
                     ON h.registrant_id = e.registrant_id AND h.kind = e.kind AND h.number = e.number AND h.released_on IS NULL
              LEFT JOIN disbursement.payouts p
                     ON p.registrant_id = e.registrant_id AND p.kind = e.kind AND p.number = e.number AND p.live
        ), tally AS (
            -- Each entitlement's state is worked out once and counted into a handful of groups:
            -- filtered aggregates straight over the entitlements evaluated it once per column.
            SELECT decree_no, state, count(*) AS entitlements, sum(due) AS due, sum(amount) AS amount
              FROM state
             GROUP BY decree_no, state
        )
        SELECT \(EligibilitySQL.date), decree_no, sum(entitlements), sum(due),
               coalesce(sum(entitlements) FILTER (WHERE state = 'paid'), 0), coalesce(sum(amount) FILTER (WHERE state = 'paid'), 0),
               coalesce(sum(entitlements) FILTER (WHERE state = 'held'), 0), coalesce(sum(amount) FILTER (WHERE state = 'held'), 0),
               coalesce(sum(entitlements) FILTER (WHERE state = 'expired'), 0), coalesce(sum(amount) FILTER (WHERE state = 'expired'), 0),
               coalesce(sum(entitlements) FILTER (WHERE state = 'retry'), 0), coalesce(sum(amount) FILTER (WHERE state = 'retry'), 0)
          FROM tally
         GROUP BY decree_no
        """

    /// Decrees of the night whose states do not add up to what was due.
    static let failing = """
        SELECT decree_no, due_count - paid_count - held_count - expired_count - retry_count AS missing,
               due_amount - paid_amount - held_amount - expired_amount - retry_amount AS missing_amount
          FROM disbursement.decree_proofs
         WHERE business_date = \(EligibilitySQL.date)
           AND (due_count <> paid_count + held_count + expired_count + retry_count
                OR due_amount <> paid_amount + held_amount + expired_amount + retry_amount)
         ORDER BY decree_no
        """

    static func check(_ connection: Connection) throws {
        try connection.execute(record)
        let rows = try connection.query(failing)
        guard let first = rows.first else { return }
        let decree = Masking.printable(try first.decode("decree_no", as: String.self))
        let others = rows.count > 1 ? " (and \(rows.count - 1) other decree(s))" : ""
        let missing = try first.decode("missing", as: Int64.self)
        let amount = try first.decode("missing_amount", as: Int64.self)
        let what = missing != 0
            ? "\(missing) due entitlement(s), Rp\(amount.grouped), are in no state after the night"
            : "what the night recorded differs from what was due by Rp\(amount.grouped)"
        // The caller's transaction rolls back: a batch whose proof fails is not committed.
        throw InconsistencyError(
            "The proof that nothing vanished fails for decree \"\(decree)\"\(others): \(what), so the batch was not committed; call the disburse team.")
    }
}
