/// The set-based statements that apply one staged status file. They run in one transaction;
/// `recon_line` holds the file's lines (staged by COPY); `disburse.file_id` (and for the
/// unanswered check `disburse.as_of`, `disburse.unanswered_days`) are transaction-local settings.
enum ReconciliationSQL {
    static let fileID = "current_setting('disburse.file_id')::bigint"

    /// `registrant_id`, `kind`, `number`, `attempt` are the payout the reference names
    /// (`PayoutReference`), NULL when it names none. `scope` is TX, or BLOCK / GROUP for a
    /// pain.002 status of a whole payment block or message (`end_to_end_id` is then its id),
    /// which `expandScopes` turns into one line per payout before anything is decided.
    /// `status` is NULL for a code the tool does not know (`status_code` as written);
    /// `amount_note` says what the file wrote when it cannot be a rupiah amount of ours.
    static let stage = """
        CREATE TEMP TABLE recon_line (
            line_no int, end_to_end_id text, registrant_id bigint, kind text, number int, attempt int, status text,
            amount bigint, reason_code text, reason_text text, settled_at text, permanent boolean,
            rejection_means_return boolean, scope text, status_code text, amount_note text, source_line int
        ) ON COMMIT DROP
        """

    /// Block and group statuses, set aside: they name pain.001 files, not payouts.
    static let setScopesAside = [
        "CREATE TEMP TABLE recon_scope ON COMMIT DROP AS SELECT * FROM recon_line WHERE scope <> 'TX'",
        "DELETE FROM recon_line WHERE scope <> 'TX'",
    ]

    /// A block or group status becomes one line for every payout of the pain.001 block or
    /// message it names (`payment_messages`) that has no status of its own in the file; a
    /// group status also leaves alone the payouts of a block the file gives a status. Its
    /// lines are numbered after the file's own ($1 = the file's last line number), name the
    /// status they come from, and are never permanent nor a return: a block-level reason
    /// (AC01, AM04, DU01…) is about the file or our account, not the participant's.
    static let expandScopes = """
        WITH targets AS (
            SELECT s.line_no, s.scope, s.status, s.reason_code, s.reason_text, m.business_date, m.channel,
                   m.first_end_to_end_id AS first_id, m.last_end_to_end_id AS last_id
              FROM recon_scope s
              JOIN disbursement.payment_messages m
                ON (s.scope = 'BLOCK' AND m.pmt_inf_id = s.end_to_end_id) OR (s.scope = 'GROUP' AND m.msg_id = s.end_to_end_id)
             WHERE s.status IS NOT NULL
        )
        INSERT INTO recon_line (line_no, end_to_end_id, registrant_id, kind, number, attempt, status, amount, reason_code,
                                reason_text, settled_at, permanent, rejection_means_return, scope, source_line)
        SELECT $1::int + row_number() OVER (ORDER BY t.line_no, p.end_to_end_id COLLATE "C"),
               p.end_to_end_id, p.registrant_id, p.kind, p.number, p.attempt, t.status, NULL, t.reason_code,
               t.reason_text, NULL, false, false, 'TX', t.line_no
          FROM targets t
          JOIN disbursement.payouts p
            ON p.business_date = t.business_date AND p.channel = t.channel
           AND p.end_to_end_id >= t.first_id COLLATE "C" AND p.end_to_end_id <= t.last_id COLLATE "C"
         WHERE NOT EXISTS (SELECT 1 FROM recon_line l
                            WHERE l.registrant_id = p.registrant_id AND l.kind = p.kind AND l.number = p.number
                              AND l.attempt = p.attempt)
           AND NOT (t.scope = 'GROUP' AND EXISTS (
                 SELECT 1 FROM targets b
                  WHERE b.scope = 'BLOCK' AND b.business_date = p.business_date AND b.channel = p.channel
                    AND p.end_to_end_id >= b.first_id COLLATE "C" AND p.end_to_end_id <= b.last_id COLLATE "C"))
        """

    /// A block or group status with a code the tool does not know, or naming no pain.001 file
    /// this tool wrote, is one exception line of its own (UNKNOWN_STATUS, UNKNOWN_REFERENCE).
    static let scopeExceptions = """
        INSERT INTO recon_line (line_no, end_to_end_id, status, reason_code, reason_text, permanent, rejection_means_return,
                                scope, status_code)
        SELECT s.line_no, s.end_to_end_id, s.status, s.reason_code, s.reason_text, false, false, s.scope, s.status_code
          FROM recon_scope s
         WHERE s.status IS NULL
            OR NOT EXISTS (SELECT 1 FROM disbursement.payment_messages m
                            WHERE (s.scope = 'BLOCK' AND m.pmt_inf_id = s.end_to_end_id)
                               OR (s.scope = 'GROUP' AND m.msg_id = s.end_to_end_id))
        """

    /// What each line does: one of APPLY, UNCHANGED, or an exception kind. Lines are matched to
    /// payouts on the primary key (which keeps the lookup on the distribution key); the text
    /// must be the payout's too. The first line for a payout counts; later ones are duplicates.
    static let decisions = """
        SELECT m.*,
               CASE
                 WHEN m.status IS NULL THEN 'UNKNOWN_STATUS'
                 WHEN m.registrant_id IS NULL THEN 'UNKNOWN_REFERENCE'
                 WHEN m.occurrence > 1 THEN 'DUPLICATE_LINE'
                 WHEN m.amount_note IS NOT NULL THEN 'AMOUNT_MISMATCH'
                 WHEN m.amount IS NOT NULL AND m.amount <> m.payout_amount THEN 'AMOUNT_MISMATCH'
                 WHEN m.status = m.current_status THEN 'UNCHANGED'
                 -- Out of order: a pending answer never moves a payout back.
                 WHEN m.status = 'PENDING' AND m.current_status IN ('PAID', 'FAILED', 'RETURNED') THEN 'UNCHANGED'
                 WHEN m.current_status IN ('ISSUED', 'PENDING') THEN 'APPLY'
                 -- A paid payout that comes back is a return, not a conflict (in pain.002, a
                 -- rejection after ACSC).
                 WHEN m.current_status = 'PAID' AND m.status = 'RETURNED' THEN 'APPLY'
                 WHEN m.current_status = 'PAID' AND m.status = 'FAILED' AND m.rejection_means_return THEN 'APPLY'
                 ELSE 'STATUS_CONFLICT'
               END AS decision
          FROM (
            SELECT l.line_no, l.end_to_end_id, p.registrant_id, l.kind, l.number, l.attempt, l.status, l.amount,
                   l.reason_code, l.reason_text, l.settled_at, l.permanent, l.rejection_means_return,
                   l.status_code, l.amount_note, l.source_line,
                   p.status AS current_status, p.amount AS payout_amount, p.business_date, p.channel,
                   -- Unknown references share the NULL partition; they are exceptions anyway.
                   -- A line with an unknown status code is no answer: it makes no later one a duplicate.
                   row_number() OVER (PARTITION BY l.registrant_id, l.kind, l.number, l.attempt, l.status IS NULL
                                      ORDER BY l.line_no)
                     AS occurrence
              FROM recon_line l
              LEFT JOIN disbursement.payouts p
                ON p.registrant_id = l.registrant_id AND p.kind = l.kind AND p.number = l.number
               AND p.attempt = l.attempt AND p.end_to_end_id = l.end_to_end_id
          ) m
        """

    static let decide = "CREATE TEMP TABLE recon_decision ON COMMIT DROP AS \(decisions)"

    static let recordLines = """
        INSERT INTO disbursement.status_lines
            (file_id, line_no, end_to_end_id, registrant_id, status, amount, reason_code, reason_text, settled_at,
             permanent, status_code, amount_note, source_line, outcome)
        SELECT \(fileID), line_no, end_to_end_id, registrant_id, status, amount, reason_code, reason_text, settled_at,
               permanent, status_code, amount_note, source_line,
               CASE WHEN decision = 'APPLY' THEN 'APPLIED' WHEN decision = 'UNCHANGED' THEN 'UNCHANGED' ELSE 'EXCEPTION' END
          FROM recon_decision
        """

    static let recordExceptions = """
        INSERT INTO disbursement.recon_exceptions (file_id, line_no, kind, end_to_end_id, registrant_id, amount, detail)
        SELECT \(fileID), line_no, decision, end_to_end_id, registrant_id, coalesce(amount, payout_amount),
               CASE decision
                 WHEN 'UNKNOWN_STATUS' THEN 'status code ''' || coalesce(nullif(status_code, ''), '(none)')
                                            || ''' is not one the tool knows; nothing was changed'
                 WHEN 'UNKNOWN_REFERENCE' THEN CASE WHEN end_to_end_id = '' THEN 'the status names no payout, payment block or message'
                                                    ELSE 'no payout or pain.001 file of ours has this reference' END
                 WHEN 'DUPLICATE_LINE' THEN 'the reference appears earlier in the same file'
                 WHEN 'AMOUNT_MISMATCH' THEN 'file says ' || coalesce(amount_note, amount::text) || ', payout is ' || payout_amount
                 ELSE 'file says ' || status || ' but the payout is already ' || current_status
               END
          FROM recon_decision
         WHERE decision NOT IN ('APPLY', 'UNCHANGED')
        """

    static let apply = """
        UPDATE disbursement.payouts p
           SET status = CASE WHEN d.current_status = 'PAID' AND d.status = 'FAILED' THEN 'RETURNED' ELSE d.status END,
               status_at = now(), reason_code = d.reason_code, permanent = d.permanent
          FROM recon_decision d
         WHERE d.decision = 'APPLY'
           AND p.registrant_id = d.registrant_id AND p.kind = d.kind AND p.number = d.number AND p.attempt = d.attempt
        """

    /// Each payout changed moves from its status to the new one in the kept totals
    /// (migration 0006): the same rows and values as `apply`.
    static let moveTotals = """
        INSERT INTO disbursement.payout_totals AS t (business_date, channel, kind, status, payouts, amount)
        SELECT business_date, channel, kind, status, sum(payouts), sum(amount)
          FROM (SELECT business_date, channel, kind, current_status AS status, -1 AS payouts, -payout_amount AS amount
                  FROM recon_decision WHERE decision = 'APPLY'
                UNION ALL
                SELECT business_date, channel, kind,
                       CASE WHEN current_status = 'PAID' AND status = 'FAILED' THEN 'RETURNED' ELSE status END,
                       1, payout_amount
                  FROM recon_decision WHERE decision = 'APPLY') moves
         GROUP BY business_date, channel, kind, status
         ORDER BY business_date, channel, kind, status
        ON CONFLICT (business_date, channel, kind, status)
        DO UPDATE SET payouts = t.payouts + excluded.payouts, amount = t.amount + excluded.amount
        """

    /// The file's tally: decision × status, lines and rupiah.
    static let tally = """
        SELECT decision, status, count(*) AS n, coalesce(sum(coalesce(amount, payout_amount)), 0) AS amount
          FROM recon_decision GROUP BY decision, status
        """

    /// Batch dates past `unanswered_after_days` whose payouts were never checked for answers.
    static let uncheckedDates = """
        SELECT b.business_date::text FROM disbursement.batches b
         WHERE b.business_date < current_setting('disburse.as_of')::date - current_setting('disburse.unanswered_days')::int
           AND NOT EXISTS (SELECT 1 FROM disbursement.unanswered_checked c WHERE c.business_date = b.business_date)
         ORDER BY b.business_date
        """

    /// The payouts of one batch date ($1) with no final answer; reported once each.
    static let unanswered = """
        INSERT INTO disbursement.recon_exceptions (file_id, kind, end_to_end_id, registrant_id, amount, detail)
        SELECT NULL::bigint, 'UNANSWERED', p.end_to_end_id, p.registrant_id, p.amount,
               'no final status since the batch of ' || p.business_date
          FROM disbursement.payouts p
         WHERE p.business_date = $1::date AND p.status IN ('ISSUED', 'PENDING')
        ON CONFLICT (end_to_end_id) WHERE kind = 'UNANSWERED' DO NOTHING
        """
}
