/// The statements of `disburse resolve`, in the order `Resolver.settle` runs them, in one
/// transaction under the run lock.
enum ResolverSQL {
    /// The payout a reference names, locked. $1…$5: registrant, kind, number, attempt, reference.
    static let payoutForUpdate = """
        SELECT status, amount FROM disbursement.payouts
         WHERE registrant_id = $1 AND kind = $2 AND number = $3 AND attempt = $4 AND end_to_end_id = $5
           FOR UPDATE
        """

    /// Its open conflicts and double payments: how many, how many doubles, the rupiah to
    /// recover. $1: registrant, $2: reference.
    static let openExceptions = """
        SELECT count(*), count(*) FILTER (WHERE kind = 'DOUBLE_PAYMENT'), coalesce(max(amount_to_recover), 0)
          FROM disbursement.recon_exceptions
         WHERE registrant_id = $1 AND end_to_end_id = $2
           AND kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND resolution_id IS NULL
        """

    /// The entitlement's other attempts: reference, status, live, and whether an open double
    /// payment names it. $1…$4: registrant, kind, number, attempt.
    static let otherAttempts = """
        SELECT p.end_to_end_id, p.status, p.live,
               EXISTS (SELECT 1 FROM disbursement.recon_exceptions x
                        WHERE x.registrant_id = p.registrant_id AND x.end_to_end_id = p.end_to_end_id
                          AND x.kind = 'DOUBLE_PAYMENT' AND x.resolution_id IS NULL) AS doubled
          FROM disbursement.payouts p
         WHERE p.registrant_id = $1 AND p.kind = $2 AND p.number = $3 AND p.attempt <> $4
         ORDER BY p.attempt
        """

    /// The payout's new status. $1…$4: the payout's key, $5: the status.
    static let moveStatus = """
        UPDATE disbursement.payouts SET status = $5, status_at = now(), passed_paid = passed_paid OR 'PAID' IN ($5, status)
         WHERE registrant_id = $1 AND kind = $2 AND number = $3 AND attempt = $4
        """

    /// The kept totals follow the payout (migration 0006), as in reconciliation. $1…$4: the
    /// payout's key, $5: the status before, $6: after.
    static let moveTotals = """
        INSERT INTO disbursement.payout_totals AS t (business_date, channel, kind, status, payouts, amount)
        SELECT p.business_date, p.channel, p.kind, m.status, m.payouts, m.payouts * p.amount
          FROM disbursement.payouts p
         CROSS JOIN (VALUES ($5::text, -1), ($6::text, 1)) AS m (status, payouts)
         WHERE p.registrant_id = $1 AND p.kind = $2 AND p.number = $3 AND p.attempt = $4
        ON CONFLICT (business_date, channel, kind, status)
        DO UPDATE SET payouts = t.payouts + excluded.payouts, amount = t.amount + excluded.amount
        """

    /// The settlement, with who and why; returns its id. $1…$10 in the column order.
    static let recordResolution = """
        INSERT INTO disbursement.resolutions
            (registrant_id, kind, number, attempt, end_to_end_id, status_before, status, reason, os_user, run_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        RETURNING resolution_id
        """

    /// Paid after all: its money did not go back to the treasury (design.md). $1…$3: the entitlement.
    static let takeBackExpiry = "DELETE FROM disbursement.expired WHERE registrant_id = $1 AND kind = $2 AND number = $3"

    /// Every open conflict and double payment of the payout, closed by the settlement.
    /// $1: registrant, $2: reference, $3: the resolution.
    static let closeExceptions = """
        UPDATE disbursement.recon_exceptions SET resolution_id = $3
         WHERE registrant_id = $1 AND end_to_end_id = $2
           AND kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND resolution_id IS NULL
        """
}
