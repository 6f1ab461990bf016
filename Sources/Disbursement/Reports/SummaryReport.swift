/// `report summary`: per business date, channel and kind, what was issued (as recorded when the
/// batch was made) and what became of it. Every payout is in exactly one state, so issued − paid
/// − failed − returned − pending must be 0; the control line proves it per row and prints the
/// difference where it is not. `--by decree` shows the nights' proofs that nothing vanished.
public struct SummaryReport {
    /// `channel`: the control total per batch, channel and kind; `decree`: the proof per night
    /// and decree.
    public enum Dimension: String, Sendable, CaseIterable {
        case channel, decree
    }

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
        let drift = recount ? try PayoutTotals.recount(connection) : nil
        let rows = try connection.query(Self.byChannelQuery, [from, to]).map { row in
            Row(businessDate: try row.decode("d"), channel: try row.decode("channel"), kind: try row.decode("kind"),
                issued: try row.tally("issued_n", "issued_a"), paid: try row.tally("paid_n", "paid_a"), failed: try row.tally("failed_n", "failed_a"),
                returned: try row.tally("returned_n", "returned_a"), pending: try row.tally("pending_n", "pending_a"))
        }
        let failures = rows.filter { $0.control != 0 }.count
        let held = try connection.queryOne(Self.heldQuery, [from, to])
        let expired = try connection.queryOne(Self.expiredQuery, [from, to])
        var notes = (drift.map { [$0 == 0
            ? "Recounted from the payouts: the kept totals were right."
            : "RECOUNTED: \($0) kept total(s) differed from the payouts and were corrected; payouts were changed outside disburse. Find out who and why before paying anything."] } ?? []) + [
            failures == 0
                ? "Control: issued = paid + failed + returned + pending on every row (difference 0)."
                : "CONTROL FAILED on \(failures) row(s): see the control column; call the disburse team before paying anything.",
            "Held now: \((try held.decode("n", as: Int.self)).grouped) entitlements, Rp\((try held.decode("a", as: Int64.self)).grouped).",
            "Expired (back to the treasury): \((try expired.decode("n", as: Int.self)).grouped) entitlements, Rp\((try expired.decode("a", as: Int64.self)).grouped).",
        ]
        let proofs = try connection.queryOne(Self.failingProofsQuery, [from, to])
        let failing = try proofs.decode("failing", as: Int.self)
        notes.append(failing == 0
            ? "Proof per decree (--by decree): due = paid or in flight + held + expired + awaiting retry for all \((try proofs.decode("decrees", as: Int.self)).grouped) decree night(s)."
            : "PROOF FAILED for \(failing) decree night(s): see --by decree; call the disburse team before paying anything.")
        return ReportTable(title: "Payout summary" + DateRange.label(from, to), rows: rows, notes: notes)
    }

    static let proofDifference = "(due_amount - paid_amount - held_amount - expired_amount - retry_amount)"
    static let proofCountDifference = "(due_count - paid_count - held_count - expired_count - retry_count)"

    /// `--by decree`: per night and decree, what was due and the state each entitlement ended
    /// in; `proof` is the rupiah difference, 0 when nothing vanished.
    public func byDecree(_ connection: Connection) throws -> ReportTable {
        let rows = try connection.query(Self.byDecreeQuery, [from, to]).map { row in
            DecreeRow(
                businessDate: try row.decode("d"), decreeNo: Masking.printable(try row.decode("decree_no")),
                due: try row.tally("due_count", "due_amount"), paidOrInFlight: try row.tally("paid_count", "paid_amount"),
                held: try row.tally("held_count", "held_amount"), expired: try row.tally("expired_count", "expired_amount"), awaitingRetry: try row.tally("retry_count", "retry_amount"),
                proofCount: try row.decode("proof_count"), proof: try row.decode("proof"))
        }
        let failures = rows.filter { $0.proofCount != 0 || $0.proof != 0 }.count
        return ReportTable(title: "Proof per decree" + DateRange.label(from, to), rows: rows, notes: [failures == 0
            ? "Proof: due = paid or in flight + held + expired + awaiting retry for every decree on every night (difference 0)."
            : "PROOF FAILED on \(failures) row(s): entitlements due that night are in no state; call the disburse team before paying anything."])
    }
}

extension SummaryReport {
    /// Per batch date, channel and kind: issued is what each night recorded when it made its batch
    /// (migration 0008); the statuses are the kept totals as reconciliation moved them. Equal
    /// unless payouts were changed outside disburse (visible after --recount). $1, $2: the range.
    static let byChannelQuery = """
        WITH issued AS (
            SELECT business_date, channel, kind, payouts, amount FROM disbursement_reports.batch_issued
             WHERE ($1::date IS NULL OR business_date >= $1::date) AND ($2::date IS NULL OR business_date <= $2::date)
        ), now AS (
            SELECT business_date, channel, kind, sum(payouts) AS total,
                   coalesce(sum(payouts) FILTER (WHERE status = 'PAID'), 0) AS paid_n,
                   coalesce(sum(amount) FILTER (WHERE status = 'PAID'), 0) AS paid_a,
                   coalesce(sum(payouts) FILTER (WHERE status = 'FAILED'), 0) AS failed_n,
                   coalesce(sum(amount) FILTER (WHERE status = 'FAILED'), 0) AS failed_a,
                   coalesce(sum(payouts) FILTER (WHERE status = 'RETURNED'), 0) AS returned_n,
                   coalesce(sum(amount) FILTER (WHERE status = 'RETURNED'), 0) AS returned_a,
                   coalesce(sum(payouts) FILTER (WHERE status IN ('ISSUED', 'PENDING')), 0) AS pending_n,
                   coalesce(sum(amount) FILTER (WHERE status IN ('ISSUED', 'PENDING')), 0) AS pending_a
              FROM disbursement_reports.payout_totals
             WHERE ($1::date IS NULL OR business_date >= $1::date) AND ($2::date IS NULL OR business_date <= $2::date)
             GROUP BY business_date, channel, kind
        )
        SELECT to_char(business_date, 'YYYY-MM-DD') AS d, channel, kind,
               coalesce(i.payouts, 0)::bigint AS issued_n, coalesce(i.amount, 0)::bigint AS issued_a,
               coalesce(n.paid_n, 0)::bigint AS paid_n, coalesce(n.paid_a, 0)::bigint AS paid_a,
               coalesce(n.failed_n, 0)::bigint AS failed_n, coalesce(n.failed_a, 0)::bigint AS failed_a,
               coalesce(n.returned_n, 0)::bigint AS returned_n, coalesce(n.returned_a, 0)::bigint AS returned_a,
               coalesce(n.pending_n, 0)::bigint AS pending_n, coalesce(n.pending_a, 0)::bigint AS pending_a
          FROM issued i
          FULL JOIN now n USING (business_date, channel, kind)
         WHERE coalesce(i.payouts, 0) <> 0 OR coalesce(n.total, 0) <> 0
         ORDER BY business_date, channel, kind
        """

    /// Holds in force begun in the range.
    static let heldQuery = """
        SELECT count(*) AS n, coalesce(sum(amount), 0) AS a FROM disbursement_reports.holds
         WHERE released_on IS NULL AND ($1::date IS NULL OR held_since >= $1::date) AND ($2::date IS NULL OR held_since <= $2::date)
        """

    /// Entitlements expired in the range.
    static let expiredQuery = """
        SELECT count(*) AS n, coalesce(sum(amount), 0) AS a FROM disbursement_reports.expired
         WHERE ($1::date IS NULL OR expired_on >= $1::date) AND ($2::date IS NULL OR expired_on <= $2::date)
        """

    /// How many decree nights of the range fail their proof, of how many.
    static let failingProofsQuery = """
        SELECT count(*) FILTER (WHERE \(Self.proofDifference) <> 0 OR \(Self.proofCountDifference) <> 0) AS failing,
               count(*) AS decrees
          FROM disbursement_reports.decree_proofs
         WHERE ($1::date IS NULL OR business_date >= $1::date) AND ($2::date IS NULL OR business_date <= $2::date)
        """

    /// The proofs per night and decree, with their differences.
    static let byDecreeQuery = """
        SELECT to_char(business_date, 'YYYY-MM-DD') AS d, decree_no, due_count, due_amount, paid_count, paid_amount,
               held_count, held_amount, expired_count, expired_amount, retry_count, retry_amount,
               \(Self.proofCountDifference) AS proof_count, \(Self.proofDifference) AS proof
          FROM disbursement_reports.decree_proofs
         WHERE ($1::date IS NULL OR business_date >= $1::date) AND ($2::date IS NULL OR business_date <= $2::date)
         ORDER BY business_date, decree_no COLLATE "C"
        """
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
