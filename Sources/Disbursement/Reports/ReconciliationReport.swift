/// `report reconciliation`: per imported status file, its lines, what matched, and every
/// kind of exception with the rupiah in it; then every open status conflict and double
/// payment, until finance resolves it (SPEC §8).
public struct ReconciliationReport {
    public init() {}

    public func build(_ connection: Connection) throws -> ReportTable {
        let rows = try connection.query(Self.filesQuery).map { row in
            FileRow(
                importedAt: try row.decode("imported_at"), file: try row.decode("file_name"), lines: try row.decode("lines"),
                matched: try row.decode("matched"), matchedAmount: try row.decode("matched_amount"),
                exceptions: try row.decode("exceptions"), exceptionAmount: try row.decode("exception_amount"),
                unknownReference: try row.decode("unknown_reference"), amountMismatch: try row.decode("amount_mismatch"),
                duplicateLine: try row.decode("duplicate_line"), statusConflict: try row.decode("status_conflict"),
                doublePayment: try row.decode("double_payment"), unanswered: try row.decode("unanswered"),
                unknownStatus: try row.decode("unknown_status"), duplicateMessage: try row.decode("duplicate_message"))
        }
        let open = try connection.queryOne(Self.openTotalsQuery)
        let conflicts = try open.decode("conflicts", as: Int64.self)
        let doubles = try open.decode("doubles", as: Int64.self)
        return ReportTable(title: "Reconciliation per status file", rows: rows, notes: [conflicts + doubles == 0
            ? "No status conflict or double payment is open."
            : "OPEN: \(conflicts.grouped) payouts in status conflict, \(doubles.grouped) double payments (Rp\(try open.decode("to_recover", as: Int64.self).grouped) to recover); their entitlements are held until finance settles each with disburse resolve."])
    }

    /// One row per payout with an open STATUS_CONFLICT or DOUBLE_PAYMENT: what the channel
    /// said, the status the payout kept, and for a double payment the rupiah to recover.
    public func open(_ connection: Connection) throws -> ReportTable {
        let rows = try connection.query(Self.openQuery).map { row in
            OpenRow(
                foundAt: try row.decode("found_at"), endToEndID: try row.decode("end_to_end_id"),
                exception: try row.decode("exception"), payoutStatus: try row.decode("status"), amount: try row.decode("amount"),
                amountToRecover: try row.decode("amount_to_recover"), lines: try row.decode("lines"),
                file: try row.decodeIfPresent("file_name", as: String.self) ?? "", detail: try row.decode("detail"))
        }
        let recover = rows.reduce(Int64(0)) { $0 + $1.amountToRecover }
        return ReportTable(
            title: "Open status conflicts and double payments (until settled with disburse resolve)", rows: rows,
            notes: [rows.isEmpty
                ? "None open."
                : "Rp\(recover.grouped) to recover from double payments. Settle each with: disburse resolve END_TO_END_ID --status PAID|FAILED|RETURNED --reason TEXT"])
    }
}

extension ReconciliationReport {
    /// Per status file: lines and matched rupiah from the summary written at import, the
    /// exceptions counted by kind; then one line for the payouts found unanswered (no file).
    static let filesQuery = """
        SELECT to_char(f.imported_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') AS imported_at, f.file_name,
               -- Lines and matched rupiah come from the summary written when the file was
               -- imported, so the report does not re-read millions of status lines.
               coalesce((f.summary->>'lines')::bigint, 0) AS lines,
               coalesce((f.summary->>'lines')::bigint, 0) - count(e.exception_id) AS matched,
               coalesce((f.summary->>'matched_amount')::bigint, 0) AS matched_amount,
               count(e.exception_id) AS exceptions, coalesce(sum(e.amount), 0) AS exception_amount,
               count(*) FILTER (WHERE e.kind = 'UNKNOWN_REFERENCE') AS unknown_reference,
               count(*) FILTER (WHERE e.kind = 'AMOUNT_MISMATCH') AS amount_mismatch,
               count(*) FILTER (WHERE e.kind = 'DUPLICATE_LINE') AS duplicate_line,
               count(*) FILTER (WHERE e.kind = 'STATUS_CONFLICT') AS status_conflict,
               count(*) FILTER (WHERE e.kind = 'DOUBLE_PAYMENT') AS double_payment,
               count(*) FILTER (WHERE e.kind = 'UNANSWERED') AS unanswered,
               count(*) FILTER (WHERE e.kind = 'UNKNOWN_STATUS') AS unknown_status,
               count(*) FILTER (WHERE e.kind = 'DUPLICATE_MESSAGE') AS duplicate_message
          FROM disbursement_reports.status_files f
          LEFT JOIN disbursement_reports.recon_exceptions e USING (file_id)
         GROUP BY f.file_id, f.imported_at, f.file_name, f.summary
        UNION ALL
        -- Payouts found unanswered belong to no file.
        SELECT to_char(max(found_at) AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI'), '(no answer from any file)',
               0, 0, 0, count(*), coalesce(sum(amount), 0), 0, 0, 0, 0, 0, count(*), 0, 0
          FROM disbursement_reports.recon_exceptions WHERE file_id IS NULL
        HAVING count(*) > 0
         ORDER BY 1, 2
        """

    /// How many payouts are in open conflict or double payment, and the rupiah to recover.
    static let openTotalsQuery = """
        SELECT count(DISTINCT end_to_end_id) FILTER (WHERE kind = 'STATUS_CONFLICT') AS conflicts,
               count(DISTINCT end_to_end_id) FILTER (WHERE kind = 'DOUBLE_PAYMENT') AS doubles,
               -- Per payout: a double payment reported in several files is one payment to recover.
               coalesce((SELECT sum(r.amount) FROM (
                           SELECT max(d.amount_to_recover) AS amount FROM disbursement_reports.recon_exceptions d
                            WHERE d.kind = 'DOUBLE_PAYMENT' AND d.resolution_id IS NULL
                            GROUP BY d.registrant_id, d.end_to_end_id) r), 0)::bigint AS to_recover
          FROM disbursement_reports.recon_exceptions
         WHERE kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND resolution_id IS NULL
        """

    /// One row per payout with an open conflict or double payment, the latest file and detail.
    static let openQuery = """
        SELECT to_char(min(e.found_at) AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') AS found_at, e.end_to_end_id,
               CASE WHEN bool_or(e.kind = 'DOUBLE_PAYMENT') THEN 'DOUBLE_PAYMENT' ELSE 'STATUS_CONFLICT' END AS exception,
               p.status, p.amount, coalesce(max(e.amount_to_recover), 0) AS amount_to_recover, count(*) AS lines,
               (array_agg(f.file_name ORDER BY e.exception_id DESC))[1] AS file_name,
               (array_agg(e.detail ORDER BY e.exception_id DESC))[1] AS detail
          FROM disbursement_reports.recon_exceptions e
          JOIN disbursement_reports.payouts p ON p.registrant_id = e.registrant_id AND p.end_to_end_id = e.end_to_end_id
          LEFT JOIN disbursement_reports.status_files f USING (file_id)
         WHERE e.kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND e.resolution_id IS NULL
         GROUP BY e.end_to_end_id, p.status, p.amount
         ORDER BY 1, 2
        """
}
