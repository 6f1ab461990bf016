/// The statements around a file's rounds: the session settings of an import, the file's own
/// record, the staging COPY, and the unanswered check's bookkeeping (the rounds themselves are
/// in `ReconciliationSQL.swift`).
extension ReconciliationSQL {
    /// A status file touches up to a million payouts once each: compiling expressions costs
    /// more than it saves, and matching them needs more than the default memory.
    static let noJIT = "SET LOCAL jit = off"
    static let workMemory = "SET LOCAL work_mem = '256MB'"

    /// $1: the SHA-256 of a file; a row when it was imported before.
    static let importedBefore = "SELECT 1 FROM disbursement.status_files WHERE sha256 = $1"

    /// $1…$6: SHA-256, file name, format, run, declared version and namespace; returns its id.
    static let recordFile = """
        INSERT INTO disbursement.status_files (sha256, file_name, format, run_id, declared_version, declared_namespace)
        VALUES ($1, $2, $3, $4, $5, $6)
        RETURNING file_id
        """

    /// $1: the file's id (`fileID`), $2: the channel it came from, "" for any (`channelScope`).
    static let bindFile = "SELECT set_config('disburse.file_id', $1, true), set_config('disburse.channel', $2, true)"

    /// $1: the file's id, $2: its summary (JSON, snake_case keys), read by `report reconciliation`.
    static let recordSummary = "UPDATE disbursement.status_files SET summary = $2::jsonb WHERE file_id = $1"

    /// The parsed lines, streamed into `stage`'s table.
    static let copyLines = """
        COPY recon_line (line_no, end_to_end_id, registrant_id, kind, number, attempt, status, amount, reason_code,
                         reason_text, settled_at, settled_order, permanent, scope, status_code, amount_note, written)
        FROM STDIN
        """

    /// $1: the as-of date, $2: `unanswered_after_days`, read by `uncheckedDates` and `unanswered`.
    static let bindUnansweredCheck = "SELECT set_config('disburse.as_of', $1, true), set_config('disburse.unanswered_days', $2, true)"

    /// $1: a batch date; how many payouts `unanswered` found, and their rupiah.
    static let countUnanswered = "WITH added AS (\(unanswered) RETURNING amount) SELECT count(*), coalesce(sum(amount), 0) FROM added"

    /// $1: the batch date checked, $2: the run; each date is checked once, ever.
    static let recordChecked = "INSERT INTO disbursement.unanswered_checked (business_date, run_id) VALUES ($1::date, $2)"
}
