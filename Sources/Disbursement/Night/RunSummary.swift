/// What a night did, recorded with its batch so that a re-run prints exactly the same.
public struct RunSummary: Codable, Equatable, Sendable {
    public struct PayoutTotal: Codable, Equatable, Sendable {
        public var channel: String
        public var kind: EntitlementKind
        public var count: Int
        public var amount: Int64
    }

    public struct HoldTotal: Codable, Equatable, Sendable {
        public var reason: HoldReason
        public var count: Int
        public var amount: Int64
    }

    public var businessDate: BusinessDate
    public var virtualAccountsIssued: Int
    public var payouts: [PayoutTotal]
    /// Holds in force after the run, per reason.
    public var holds: [HoldTotal]
    public var expiredCount: Int
    public var expiredAmount: Int64

    public var payoutCount: Int { payouts.reduce(0) { $0 + $1.count } }
    public var payoutAmount: Int64 { payouts.reduce(0) { $0 + $1.amount } }
    public var holdCount: Int { holds.reduce(0) { $0 + $1.count } }
    public var holdAmount: Int64 { holds.reduce(0) { $0 + $1.amount } }

    /// Stored in `batches.summary` and printed by `run --format json`: snake_case, as every
    /// JSON the tool keeps in the database (migration 0035 renamed the keys of older batches).
    enum CodingKeys: String, CodingKey {
        case businessDate = "business_date", virtualAccountsIssued = "virtual_accounts_issued", payouts, holds
        case expiredCount = "expired_count", expiredAmount = "expired_amount"
    }
}

extension RunSummary {
    /// Reads the totals of the batch for `date` from the database (inside the run's transaction).
    static func collect(_ connection: Connection, date: BusinessDate, virtualAccountsIssued: Int) throws -> RunSummary {
        let payouts = try connection.query(
            """
            SELECT channel, kind, count(*) AS n, sum(amount) AS amount
              FROM disbursement.payouts WHERE business_date = $1
             GROUP BY channel, kind ORDER BY channel, kind
            """, [date]
        ).map { row in
            PayoutTotal(
                channel: try row.decode("channel"), kind: try row.decode("kind"), count: try row.decode("n"),
                amount: try row.decode("amount"))
        }
        let holds = try connection.query(
            """
            SELECT reason, count(*) AS n, sum(amount) AS amount
              FROM disbursement.holds WHERE released_on IS NULL
             GROUP BY reason ORDER BY reason
            """
        ).map { row in
            HoldTotal(reason: try row.decode("reason"), count: try row.decode("n"), amount: try row.decode("amount"))
        }
        let expired = try connection.queryOne(
            "SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM disbursement.expired WHERE expired_on = $1",
            [date])
        return RunSummary(
            businessDate: date, virtualAccountsIssued: virtualAccountsIssued, payouts: payouts, holds: holds,
            expiredCount: try expired.decode("n"), expiredAmount: try expired.decode("amount"))
    }
}
