/// `report summary`: per business date, channel and kind, what was issued and what became of it.
/// Every payout is in exactly one state, so issued − paid − failed − returned − pending must be 0;
/// the control line proves it per row and prints the difference where it is not.
public struct SummaryReport {
    public var from: BusinessDate?
    public var to: BusinessDate?
    /// Recount the kept totals from the payouts first (`PayoutTotals.recount`).
    public var recount: Bool

    public init(from: BusinessDate?, to: BusinessDate?, recount: Bool = false) {
        self.from = from
        self.to = to
        self.recount = recount
    }

    public func build(_ connection: Connection) throws -> ReportTable {
        var table = ReportTable(
            title: "Payout summary" + DateRange.label(from, to),
            columns: ["business_date", "channel", "kind", "issued_count", "issued_amount", "paid_count", "paid_amount",
                      "failed_count", "failed_amount", "returned_count", "returned_amount", "pending_count",
                      "pending_amount", "control"])
        let drift = recount ? try PayoutTotals.recount(connection) : nil
        let rows = try connection.query(
            """
            SELECT business_date::text AS d, channel, kind,
                   sum(payouts)::bigint AS issued_n, sum(amount)::bigint AS issued_a,
                   coalesce(sum(payouts) FILTER (WHERE status = 'PAID'), 0)::bigint AS paid_n,
                   coalesce(sum(amount) FILTER (WHERE status = 'PAID'), 0)::bigint AS paid_a,
                   coalesce(sum(payouts) FILTER (WHERE status = 'FAILED'), 0)::bigint AS failed_n,
                   coalesce(sum(amount) FILTER (WHERE status = 'FAILED'), 0)::bigint AS failed_a,
                   coalesce(sum(payouts) FILTER (WHERE status = 'RETURNED'), 0)::bigint AS returned_n,
                   coalesce(sum(amount) FILTER (WHERE status = 'RETURNED'), 0)::bigint AS returned_a,
                   coalesce(sum(payouts) FILTER (WHERE status IN ('ISSUED', 'PENDING')), 0)::bigint AS pending_n,
                   coalesce(sum(amount) FILTER (WHERE status IN ('ISSUED', 'PENDING')), 0)::bigint AS pending_a
              FROM disbursement_reports.payout_totals
             WHERE ($1::date IS NULL OR business_date >= $1::date) AND ($2::date IS NULL OR business_date <= $2::date)
             GROUP BY business_date, channel, kind
            HAVING sum(payouts) <> 0
             ORDER BY business_date, channel, kind
            """, [from, to])
        var failures = 0
        for row in rows {
            let issued = try row.decode("issued_a", as: Int64.self)
            let control = issued - (try row.decode("paid_a", as: Int64.self)) - (try row.decode("failed_a", as: Int64.self))
                - (try row.decode("returned_a", as: Int64.self)) - (try row.decode("pending_a", as: Int64.self))
            if control != 0 { failures += 1 }
            table.rows.append([
                .text(try row.decode("d")), .text(try row.decode("channel")), .text(try row.decode("kind")),
                .number(try row.decode("issued_n")), .number(issued),
                .number(try row.decode("paid_n")), .number(try row.decode("paid_a")),
                .number(try row.decode("failed_n")), .number(try row.decode("failed_a")),
                .number(try row.decode("returned_n")), .number(try row.decode("returned_a")),
                .number(try row.decode("pending_n")), .number(try row.decode("pending_a")),
                .number(control),
            ])
        }
        let held = try connection.queryOne(
            """
            SELECT count(*) AS n, coalesce(sum(amount), 0) AS a FROM disbursement_reports.holds
             WHERE released_on IS NULL AND ($1::date IS NULL OR held_since >= $1::date) AND ($2::date IS NULL OR held_since <= $2::date)
            """, [from, to])
        let expired = try connection.queryOne(
            """
            SELECT count(*) AS n, coalesce(sum(amount), 0) AS a FROM disbursement_reports.expired
             WHERE ($1::date IS NULL OR expired_on >= $1::date) AND ($2::date IS NULL OR expired_on <= $2::date)
            """, [from, to])
        table.notes = (drift.map { [$0 == 0
            ? "Recounted from the payouts: the kept totals were right."
            : "RECOUNTED: \($0) kept total(s) differed from the payouts and were corrected; payouts were changed outside disburse. Find out who and why before paying anything."] } ?? []) + [
            failures == 0
                ? "Control: issued = paid + failed + returned + pending on every row (difference 0)."
                : "CONTROL FAILED on \(failures) row(s): see the control column; call the disburse team before paying anything.",
            "Held now: \((try held.decode("n", as: Int.self)).grouped) entitlements, Rp\((try held.decode("a", as: Int64.self)).grouped).",
            "Expired (back to the treasury): \((try expired.decode("n", as: Int.self)).grouped) entitlements, Rp\((try expired.decode("a", as: Int64.self)).grouped).",
        ]
        return table
    }
}

enum DateRange {
    static func label(_ from: BusinessDate?, _ to: BusinessDate?) -> String {
        switch (from, to) {
        case (nil, nil): return ""
        case let (from?, to?) where from == to: return " for \(from)"
        case let (from?, to?): return " from \(from) to \(to)"
        case let (from?, nil): return " from \(from)"
        case let (nil, to?): return " up to \(to)"
        }
    }
}
