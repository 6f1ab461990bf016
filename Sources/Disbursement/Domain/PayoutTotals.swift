/// The kept totals of migration 0006, checked against the payouts themselves.
public enum PayoutTotals {
    /// The totals as the payouts say they are, summed over the whole table.
    static let counted = """
        SELECT business_date, channel, kind, status, count(*) AS payouts, sum(amount) AS amount
          FROM disbursement.payouts
         GROUP BY business_date, channel, kind, status
        """

    /// How many kept totals differ from what the payouts say (0 when only disburse wrote them).
    public static func drift(_ connection: Connection) throws -> Int {
        try connection.queryOne(
            """
            SELECT count(*) FROM (\(counted)) c
              FULL JOIN (SELECT * FROM disbursement.payout_totals WHERE payouts <> 0) k
             USING (business_date, channel, kind, status)
             WHERE c.payouts IS DISTINCT FROM k.payouts OR c.amount IS DISTINCT FROM k.amount
            """
        ).decode(0, as: Int.self)
    }

    /// Replaces the kept totals with the counted ones and returns how many differed (0 when
    /// only disburse wrote the payouts). Takes the run lock, so no night or reconciliation
    /// moves the totals while they are compared.
    public static func recount(_ connection: Connection) throws -> Int {
        try RunLock.acquire(connection)
        defer { RunLock.release(connection) }
        return try connection.withTransaction {
            try connection.execute("SET LOCAL jit = off")
            let differing = try drift(connection)
            try connection.execute("DELETE FROM disbursement.payout_totals")
            try connection.execute("INSERT INTO disbursement.payout_totals \(counted)")
            return differing
        }
    }
}
