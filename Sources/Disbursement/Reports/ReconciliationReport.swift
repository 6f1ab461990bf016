/// `report reconciliation`: per imported status file, its lines, what matched, and every
/// kind of exception with the rupiah in it.
public struct ReconciliationReport {
    public init() {}

    public func build(_ connection: Connection) throws -> ReportTable {
        var table = ReportTable(
            title: "Reconciliation per status file",
            columns: ["imported_at", "file", "lines", "matched", "matched_amount", "exceptions", "exception_amount",
                      "unknown_reference", "amount_mismatch", "duplicate_line", "status_conflict", "unanswered"])
        let rows = try connection.query(
            """
            SELECT to_char(f.imported_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') AS imported_at, f.file_name,
                   -- Lines and matched rupiah come from the summary written when the file was
                   -- imported, so the report does not re-read millions of status lines.
                   coalesce((f.summary->>'lines')::bigint, 0) AS lines,
                   coalesce((f.summary->>'lines')::bigint, 0) - count(e.exception_id) AS matched,
                   coalesce((f.summary->>'matchedAmount')::bigint, 0) AS matched_amount,
                   count(e.exception_id) AS exceptions, coalesce(sum(e.amount), 0) AS exception_amount,
                   count(*) FILTER (WHERE e.kind = 'UNKNOWN_REFERENCE') AS unknown_reference,
                   count(*) FILTER (WHERE e.kind = 'AMOUNT_MISMATCH') AS amount_mismatch,
                   count(*) FILTER (WHERE e.kind = 'DUPLICATE_LINE') AS duplicate_line,
                   count(*) FILTER (WHERE e.kind = 'STATUS_CONFLICT') AS status_conflict,
                   count(*) FILTER (WHERE e.kind = 'UNANSWERED') AS unanswered
              FROM disbursement_reports.status_files f
              LEFT JOIN disbursement_reports.recon_exceptions e USING (file_id)
             GROUP BY f.file_id, f.imported_at, f.file_name, f.summary
            UNION ALL
            -- Payouts found unanswered belong to no file.
            SELECT to_char(max(found_at) AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI'), '(no answer from any file)',
                   0, 0, 0, count(*), coalesce(sum(amount), 0), 0, 0, 0, 0, count(*)
              FROM disbursement_reports.recon_exceptions WHERE file_id IS NULL
            HAVING count(*) > 0
             ORDER BY 1, 2
            """)
        for row in rows {
            table.rows.append([
                .text(try row.decode("imported_at")), .text(try row.decode("file_name")),
                .number(try row.decode("lines")), .number(try row.decode("matched")),
                .number(try row.decode("matched_amount")), .number(try row.decode("exceptions")),
                .number(try row.decode("exception_amount")), .number(try row.decode("unknown_reference")),
                .number(try row.decode("amount_mismatch")), .number(try row.decode("duplicate_line")),
                .number(try row.decode("status_conflict")), .number(try row.decode("unanswered")),
            ])
        }
        return table
    }
}
