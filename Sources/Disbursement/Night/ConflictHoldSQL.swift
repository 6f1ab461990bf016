/// The night's side of SPEC §7: an entitlement with an open STATUS_CONFLICT or DOUBLE_PAYMENT
/// (money may have moved) is held STATUS_CONFLICT, whatever else applies and even while a
/// payout of it is live: no new attempt, no expiry, and the hold stays until finance settles
/// the payout with `disburse resolve`; the first night after that releases it.
enum ConflictHoldSQL {
    /// The entitlements with an open conflict, read through the small partial index of
    /// migration 0010. `EligibilitySQL.decisions`, `expire` and `releaseHolds` consult it.
    static let openConflicts = """
        CREATE TEMP TABLE run_conflict ON COMMIT DROP AS
        SELECT p.registrant_id, p.kind, p.number, min(p.decree_no) AS decree_no, max(p.amount) AS amount
          FROM disbursement.recon_exceptions x
          JOIN disbursement.payouts p ON p.registrant_id = x.registrant_id AND p.end_to_end_id = x.end_to_end_id
         WHERE x.kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND x.resolution_id IS NULL
         GROUP BY p.registrant_id, p.kind, p.number
        """

    /// Holds the entitlements the decisions never see (a payout of them is live, or their
    /// decree has passed `payable_until`); the others were held by `EligibilitySQL.newHolds`.
    static let holds = """
        INSERT INTO disbursement.holds (registrant_id, kind, number, held_since, reason, decree_no, amount)
        SELECT c.registrant_id, c.kind, c.number, \(EligibilitySQL.date), 'STATUS_CONFLICT', c.decree_no, c.amount
          FROM run_conflict c
        ON CONFLICT (registrant_id, kind, number) WHERE released_on IS NULL DO NOTHING
        """
}
