/// The set-based statements that apply one staged status file. They run in one transaction;
/// `recon_line` holds the file's lines (staged by COPY); `disburse.file_id` (and for the
/// unanswered check `disburse.as_of`, `disburse.unanswered_days`) are transaction-local settings.
enum ReconciliationSQL {
    static let fileID = "current_setting('disburse.file_id')::bigint"

    /// The channel a file came from (`collect`, `reconcile --channel`), NULL for any channel:
    /// another channel's payouts are then references this file cannot name.
    static let channelScope = "nullif(current_setting('disburse.channel', true), '')"

    /// `registrant_id`, `kind`, `number`, `attempt` are the payout the reference names
    /// (`EndToEndID`), NULL when it names none; `settled_order` is `settled_at` as an
    /// instant (`SettlementTime`), NULL when it has none. `scope` is TX, or BLOCK / GROUP for a
    /// pain.002 status of a whole payment block or message (`end_to_end_id` is then its id),
    /// which `expandScopes` turns into one line per payout before anything is decided.
    /// `status` is NULL for a code the tool does not know (`status_code` as written);
    /// `amount_note` says what the file wrote when it cannot be a rupiah amount of ours.
    static let stage = """
        CREATE TEMP TABLE recon_line (
            line_no int, end_to_end_id text, registrant_id bigint, kind text, number int, attempt int, status text,
            amount bigint, reason_code text, reason_text text, settled_at text, settled_order bigint, permanent boolean,
            scope text, status_code text, amount_note text, source_line int, written text
        ) ON COMMIT DROP
        """

    /// Statistics on the staged lines for the columns joins and filters use (the planner needs
    /// them, `StatusRounds`; the text columns would only cost time).
    static let analyzeLines = "ANALYZE recon_line (registrant_id, kind, number, attempt, end_to_end_id, scope)"

    /// The same for the tables the rounds join (`StatusRounds`) and the call's key cache.
    static let analyzeMatches = "ANALYZE recon_match (registrant_id, kind, number, attempt, round)"
    static let analyzeDecisions = "ANALYZE recon_decision (registrant_id, kind, number, attempt, round, decision)"
    static let analyzeKeys = "ANALYZE recon_keys (business_date, channel, end_to_end_id)"

    /// Several rounds select their lines by number; $1 is the round `decisions` reads.
    static let indexRounds = "CREATE INDEX ON recon_match (round)"
    static let bindRound = "SELECT set_config('disburse.round', $1, true)"

    /// The temporary tables of one file, dropped at its end when the transaction goes on (a
    /// dry run of several files, `Reconciler.wholeCall`).
    static let dropStaging = "DROP TABLE IF EXISTS recon_line, recon_scope, recon_stated, recon_match, recon_decision"

    /// Block and group statuses, set aside: they name pain.001 files, not payouts.
    static let setScopesAside = [
        "CREATE TEMP TABLE recon_scope ON COMMIT DROP AS SELECT * FROM recon_line WHERE scope <> 'TX'",
        "DELETE FROM recon_line WHERE scope <> 'TX'",
    ]

    /// Reason codes of a block or group rejection that mean the bank already has this
    /// pain.001 message, block or instruction (ISO external status reasons DU01–DU05, AM05
    /// "duplication"): the first copy is being paid, so its payouts must not fail.
    static let duplicateMessageCodes = "('DU01', 'DU02', 'DU03', 'DU04', 'DU05', 'AM05')"

    /// The block and group statuses of the file that name a pain.001 message or block of ours
    /// (`payment_messages`), once each (a status stated again is checked by the reader to say
    /// the same; `scopeExceptions` reports the repeat), with the payouts' range it covers.
    static let stateScopes = """
        CREATE TEMP TABLE recon_stated ON COMMIT DROP AS
        SELECT DISTINCT ON (s.scope, s.end_to_end_id) s.line_no, s.scope, s.status, s.reason_code, s.reason_text, s.written,
               m.business_date, m.channel, m.first_end_to_end_id AS first_id, m.last_end_to_end_id AS last_id
          FROM recon_scope s
          JOIN disbursement.payment_messages m
            ON (s.scope = 'BLOCK' AND m.pmt_inf_id = s.end_to_end_id) OR (s.scope = 'GROUP' AND m.msg_id = s.end_to_end_id)
         WHERE m.channel = coalesce(\(channelScope), m.channel)
         ORDER BY s.scope, s.end_to_end_id, s.line_no
        """

    /// The payouts' keys by batch date, channel and reference, kept for one whole `reconcile`
    /// call (`recon_keys`, `recon_key_sets` say which date and channel are in it). A bank
    /// acknowledges each pain.001 file with a status of its own: without them every such file
    /// read all payouts of its night to find its range, so a night of 200 files read them 200
    /// times (bench/README.md). Keys never change, and no night runs during a reconcile (the
    /// lock), so one read of a date and channel serves every later file of the call; a refused
    /// file's rollback takes back what it added, both tables alike.
    static let createKeyCache = [
        "DROP TABLE IF EXISTS recon_keys, recon_key_sets",
        """
        CREATE TEMP TABLE recon_keys (
            business_date date, channel text, end_to_end_id text COLLATE "C", registrant_id bigint, kind text,
            number int, attempt int
        )
        """,
        "CREATE INDEX ON recon_keys (business_date, channel, end_to_end_id)",
        "CREATE TEMP TABLE recon_key_sets (business_date date, channel text, PRIMARY KEY (business_date, channel))",
    ]

    /// Block and group statuses that move payouts (a known status, not a duplicate message).
    static let movingScopes = """
        SELECT * FROM recon_stated
         WHERE status IS NOT NULL AND NOT (status = 'FAILED' AND coalesce(reason_code, '') IN \(duplicateMessageCodes))
        """

    /// The keys of every date and channel the file's moving statuses need that the call has not read yet.
    static let fillKeyCache = """
        WITH wanted AS (
            SELECT DISTINCT t.business_date, t.channel FROM (\(movingScopes)) t
             WHERE NOT EXISTS (SELECT 1 FROM recon_key_sets k WHERE k.business_date = t.business_date AND k.channel = t.channel)
        ), noted AS (
            INSERT INTO recon_key_sets SELECT * FROM wanted
        )
        INSERT INTO recon_keys
        SELECT p.business_date, p.channel, p.end_to_end_id, p.registrant_id, p.kind, p.number, p.attempt
          FROM disbursement.payouts p
          JOIN wanted w ON p.business_date = w.business_date AND p.channel = w.channel
        """

    /// A block or group status becomes one line for every payout of the pain.001 block or
    /// message it names that has no status of its own in the file; a group status also leaves
    /// alone the payouts of a block the file gives any status of its own, one the tool does not
    /// know or an empty one included. A status stated again is expanded once; a rejection for a
    /// duplicate message moves nothing (`scopeExceptions`). Its lines are numbered after the
    /// file's own ($1 = the file's last line number), name the status they come from, and are
    /// never permanent nor a return: a block-level reason (AC01, AM04, AM10…) is about the file
    /// or our account, not the participant's.
    static let expandScopes = """
        INSERT INTO recon_line (line_no, end_to_end_id, registrant_id, kind, number, attempt, status, amount, reason_code,
                                reason_text, settled_at, settled_order, permanent, scope, source_line, written)
        SELECT $1::int + row_number() OVER (ORDER BY t.line_no, k.end_to_end_id),
               k.end_to_end_id, k.registrant_id, k.kind, k.number, k.attempt, t.status, NULL, t.reason_code,
               t.reason_text, NULL, NULL, false, 'TX', t.line_no, t.written
          FROM (\(movingScopes)) t
          JOIN recon_keys k
            ON k.business_date = t.business_date AND k.channel = t.channel
           AND k.end_to_end_id >= t.first_id COLLATE "C" AND k.end_to_end_id <= t.last_id COLLATE "C"
         WHERE NOT EXISTS (SELECT 1 FROM recon_line l
                            WHERE l.registrant_id = k.registrant_id AND l.kind = k.kind AND l.number = k.number
                              AND l.attempt = k.attempt)
           AND NOT (t.scope = 'GROUP' AND EXISTS (
                 SELECT 1 FROM recon_stated b
                  WHERE b.scope = 'BLOCK' AND b.business_date = k.business_date AND b.channel = k.channel
                    AND k.end_to_end_id >= b.first_id COLLATE "C" AND k.end_to_end_id <= b.last_id COLLATE "C"))
        """

    /// A block or group status that moves no payout is one exception line of its own: a code
    /// the tool does not know (UNKNOWN_STATUS), an id naming no pain.001 file this tool wrote
    /// (UNKNOWN_REFERENCE), a rejection for a duplicate message (DUPLICATE_MESSAGE), and a
    /// repeat of a status stated earlier in the file (DUPLICATE_LINE, `source_line` naming the
    /// first). `match` tells them apart.
    static let scopeExceptions = """
        INSERT INTO recon_line (line_no, end_to_end_id, status, reason_code, reason_text, permanent, scope, status_code,
                                source_line)
        SELECT line_no, end_to_end_id, status, reason_code, reason_text, false, scope, status_code,
               CASE WHEN first_line <> line_no THEN first_line END
          FROM (SELECT s.*, min(s.line_no) OVER (PARTITION BY s.scope, s.end_to_end_id) AS first_line FROM recon_scope s) s
         WHERE s.status IS NULL OR s.first_line <> s.line_no
            OR (s.status = 'FAILED' AND coalesce(s.reason_code, '') IN \(duplicateMessageCodes))
            OR NOT EXISTS (SELECT 1 FROM disbursement.payment_messages m
                            WHERE ((s.scope = 'BLOCK' AND m.pmt_inf_id = s.end_to_end_id)
                               OR (s.scope = 'GROUP' AND m.msg_id = s.end_to_end_id))
                              AND m.channel = coalesce(\(channelScope), m.channel))
        """

    /// A block or group line (`scopeExceptions`) that names a pain.001 file of ours.
    static let namesOurFile = """
        EXISTS (SELECT 1 FROM disbursement.payment_messages pm
                 WHERE (l.scope = 'BLOCK' AND pm.pmt_inf_id = l.end_to_end_id) OR (l.scope = 'GROUP' AND pm.msg_id = l.end_to_end_id))
        """

    /// Each line matched to its payout, with what it is whatever the payout's status
    /// (`early`: UNKNOWN_STATUS, UNKNOWN_REFERENCE, DUPLICATE_LINE, AMOUNT_MISMATCH, or NULL for
    /// a line that may move its payout), the payout's status as found (round 1 decides on it)
    /// and round 1 (`numberRounds` numbers the lines of an entitlement with several, so that
    /// they act as if they came in separate files). Lines are matched on the payouts' primary
    /// key (which keeps the lookup on the distribution key); the text must be the payout's too.
    /// Only identical lines are duplicates: the same values, written alike (`written`, NULL when
    /// the values say how; docs/design.md).
    /// `channelBound`: the file came from one channel (`disburse.channel`); without one the join
    /// has no channel condition at all, since `channel = coalesce(setting, channel)` made the
    /// planner expect 0.5 % of the payouts and sort them all for a merge join (bench/README.md).
    static func match(channelBound: Bool) -> String { """
        CREATE TEMP TABLE recon_match ON COMMIT DROP AS
        SELECT m.*, 1 AS round
          FROM (
            SELECT l.line_no, l.end_to_end_id, p.registrant_id, l.kind, l.number, l.attempt, l.status, l.amount,
                   l.reason_code, l.reason_text, l.settled_at, l.settled_order, l.permanent,
                   l.status_code, l.amount_note, l.source_line,
                   p.amount AS payout_amount, p.business_date, p.channel, p.status AS payout_status,
                   p.passed_paid AS payout_passed_paid,
                   CASE
                     -- A block or group status stated again: one exception per repeat, not per payout.
                     WHEN l.scope <> 'TX' AND l.source_line IS NOT NULL THEN 'DUPLICATE_LINE'
                     -- A code the tool does not know is no answer (SPEC §7): an exception of its own.
                     WHEN l.status IS NULL THEN 'UNKNOWN_STATUS'
                     WHEN l.scope <> 'TX' AND l.status = 'FAILED' AND coalesce(l.reason_code, '') IN \(duplicateMessageCodes)
                          AND \(namesOurFile) THEN 'DUPLICATE_MESSAGE'
                     WHEN p.registrant_id IS NULL THEN 'UNKNOWN_REFERENCE'
                     WHEN row_number() OVER (PARTITION BY l.end_to_end_id, l.status, l.amount, l.reason_code,
                                                          l.reason_text, l.settled_at, l.written ORDER BY l.line_no) > 1
                       THEN 'DUPLICATE_LINE'
                     WHEN l.amount_note IS NOT NULL THEN 'AMOUNT_MISMATCH'
                     WHEN l.amount IS NOT NULL AND l.amount <> p.amount THEN 'AMOUNT_MISMATCH'
                     -- A payment rejected as a copy of one the channel already has: the first
                     -- copy stands and may be paid; FAILED would pay it again (docs/design.md).
                     WHEN l.status = 'FAILED' AND coalesce(l.reason_code, '') IN \(duplicateMessageCodes) THEN 'DUPLICATE_MESSAGE'
                   END AS early
              FROM recon_line l
              LEFT JOIN disbursement.payouts p
                ON p.registrant_id = l.registrant_id AND p.kind = l.kind AND p.number = l.number
               AND p.attempt = l.attempt AND p.end_to_end_id = l.end_to_end_id
               \(channelBound ? "AND p.channel = \(channelScope)" : "")
          ) m
        """
    }

    /// Whether any entitlement has more than one line that may move it (`numberRounds` is then needed).
    static let severalLines = """
        SELECT EXISTS (SELECT 1 FROM recon_match WHERE early IS NULL GROUP BY registrant_id, kind, number HAVING count(*) > 1)
        """

    /// The lines that may move payouts, numbered per entitlement in `settled_at` order, then
    /// file order: round n applies the n-th line of every entitlement, and an earlier attempt's
    /// line sees the later attempt's status as the line before left it. Only entitlements with
    /// several lines are sorted (`match` gives every line round 1): nearly every file has none.
    static let numberRounds = """
        UPDATE recon_match m SET round = n.round
          FROM (SELECT line_no, row_number() OVER (PARTITION BY registrant_id, kind, number
                                                   ORDER BY settled_order NULLS LAST, line_no)::int AS round
                  FROM recon_match
                 WHERE early IS NULL
                   AND (registrant_id, kind, number) IN (
                         SELECT registrant_id, kind, number FROM recon_match WHERE early IS NULL
                          GROUP BY registrant_id, kind, number HAVING count(*) > 1)) n
         WHERE m.line_no = n.line_no AND n.round > 1
        """

    /// More lines than this for one entitlement in one file refuse the file: no channel sends
    /// them, and each is a round of statements.
    static let maximumRounds = 100

    static let rounds = "SELECT coalesce(max(round), 0) FROM recon_match"

    static let tooManyLines = """
        SELECT end_to_end_id FROM recon_match WHERE round > \(maximumRounds) ORDER BY line_no LIMIT 1
        """

    static let round = "(SELECT current_setting('disburse.round')::int)"

    /// What each line of the current round does, against its payout's status as the rounds
    /// before left it: APPLY, UNCHANGED, or an exception kind (SPEC §7). Forward moves only:
    /// ISSUED → PENDING → PAID → RETURNED, or from ISSUED or PENDING to FAILED or RETURNED.
    /// PENDING is an acknowledgement every final status has passed, so a late one changes
    /// nothing. A PAID report while another attempt of the entitlement has paid or may have
    /// (a later one live, one PAID, or one whose own PAID report is an open STATUS_CONFLICT) is
    /// a DOUBLE_PAYMENT: money went out twice, or may yet. (Once a DOUBLE_PAYMENT is open, the
    /// other attempt's own PAID is an ordinary move: the rupiah to recover are counted once.) Any other move contradicts what the
    /// channel said before: a STATUS_CONFLICT. On either exception the payout keeps its status.
    /// Round 1 reads each payout's status as `match` found it (nothing of this file has moved
    /// any payout yet): one join of the payouts fewer for nearly every file.
    static func decisions(firstRound: Bool) -> String { """
        SELECT m.line_no, m.end_to_end_id, m.registrant_id, m.kind, m.number, m.attempt, m.status, m.amount,
               m.reason_code, m.reason_text, m.settled_at, m.settled_order, m.permanent, m.payout_amount, m.business_date, m.channel,
               m.status_code, m.amount_note, m.source_line, m.round, m.current_status,
               CASE
                 WHEN m.early IS NOT NULL THEN m.early
                 WHEN m.status = m.current_status THEN 'UNCHANGED'
                 -- PAID again for a payout that was PAID before it was RETURNED: a status it has
                 -- already passed (a channel re-sending its history), no conflict, no new money;
                 -- unless it is dated after a return applied to it: then it is news.
                 WHEN m.status = 'PAID' AND m.current_status = 'RETURNED' AND (
                        m.passed_paid
                        OR EXISTS (SELECT 1 FROM disbursement.resolutions r
                                    WHERE r.registrant_id = m.registrant_id AND r.kind = m.kind AND r.number = m.number
                                      AND r.attempt = m.attempt AND r.status = 'PAID'))
                      AND NOT EXISTS (SELECT 1 FROM disbursement.status_lines sl
                                       WHERE sl.registrant_id = m.registrant_id AND sl.end_to_end_id = m.end_to_end_id
                                         AND sl.status = 'RETURNED' AND sl.outcome = 'APPLIED'
                                         AND sl.settled_order < m.settled_order) THEN 'UNCHANGED'
                 -- PAID again for a payout whose DOUBLE_PAYMENT is open: nothing new, and the
                 -- rupiah to recover stay counted once.
                 WHEN m.status = 'PAID' AND (m.attempt > 1 OR m.current_status IN ('FAILED', 'RETURNED')) AND EXISTS (
                        SELECT 1 FROM disbursement.recon_exceptions x
                         WHERE x.registrant_id = m.registrant_id AND x.end_to_end_id = m.end_to_end_id
                           AND x.kind = 'DOUBLE_PAYMENT' AND x.resolution_id IS NULL) THEN 'UNCHANGED'
                 -- A first attempt that is live has no other attempt: only retries and PAID after
                 -- FAILED or RETURNED, few lines, look at the entitlement's other attempts.
                 WHEN m.status = 'PAID' AND (m.attempt > 1 OR m.current_status IN ('FAILED', 'RETURNED')) AND EXISTS (
                        SELECT 1 FROM disbursement.payouts q
                         WHERE q.registrant_id = m.registrant_id AND q.kind = m.kind AND q.number = m.number
                           AND q.attempt <> m.attempt
                           AND (q.status = 'PAID' OR (q.live AND q.attempt > m.attempt)
                                OR EXISTS (SELECT 1 FROM disbursement.recon_exceptions x
                                             JOIN disbursement.status_lines sl USING (file_id, line_no)
                                            WHERE x.registrant_id = q.registrant_id AND x.end_to_end_id = q.end_to_end_id
                                              AND x.kind = 'STATUS_CONFLICT'
                                              AND x.resolution_id IS NULL AND sl.status = 'PAID'))) THEN 'DOUBLE_PAYMENT'
                 WHEN m.current_status = 'ISSUED' THEN 'APPLY'
                 WHEN m.status = 'PENDING' THEN 'UNCHANGED'
                 WHEN m.current_status = 'PENDING' THEN 'APPLY'
                 WHEN m.current_status = 'PAID' AND m.status = 'RETURNED' THEN 'APPLY'
                 ELSE 'STATUS_CONFLICT'
               END AS decision
          FROM (\(firstRound ? """
                SELECT m.*, m.payout_status AS current_status, m.payout_passed_paid AS passed_paid FROM recon_match m
                """ : """
                SELECT m.*, p.status AS current_status, p.passed_paid
                  FROM recon_match m
                  LEFT JOIN disbursement.payouts p
                    ON p.registrant_id = m.registrant_id AND p.kind = m.kind AND p.number = m.number AND p.attempt = m.attempt
                """)
                 WHERE m.round = \(round)) m
        """
    }

    static let createDecisions = "CREATE TEMP TABLE recon_decision ON COMMIT DROP AS \(decisions(firstRound: true)) WITH NO DATA"

    static func decide(firstRound: Bool) -> String { "INSERT INTO recon_decision \(decisions(firstRound: firstRound))" }

    static let recordLines = """
        INSERT INTO disbursement.status_lines
            (file_id, line_no, end_to_end_id, registrant_id, status, amount, reason_code, reason_text, settled_at,
             settled_order, permanent, status_code, amount_note, source_line, outcome)
        SELECT \(fileID), line_no, end_to_end_id, registrant_id, status, amount, reason_code, reason_text, settled_at,
               settled_order, permanent, status_code, amount_note, source_line,
               CASE WHEN decision = 'APPLY' THEN 'APPLIED' WHEN decision = 'UNCHANGED' THEN 'UNCHANGED' ELSE 'EXCEPTION' END
          FROM recon_decision
         WHERE round = \(round)
        """

    /// Recorded round by round: a later round's DOUBLE_PAYMENT check sees an earlier round's
    /// exceptions. A DOUBLE_PAYMENT carries the rupiah to recover: the attempt's amount, paid once more
    /// than the entitlement is owed.
    static let recordExceptions = """
        INSERT INTO disbursement.recon_exceptions
            (file_id, line_no, kind, end_to_end_id, registrant_id, amount, amount_to_recover, detail)
        SELECT \(fileID), line_no, decision, end_to_end_id, registrant_id, coalesce(amount, payout_amount),
               CASE WHEN decision = 'DOUBLE_PAYMENT' THEN payout_amount END,
               CASE decision
                 WHEN 'UNKNOWN_STATUS' THEN 'status code ''' || coalesce(nullif(status_code, ''), '(none)')
                                            || ''' is not one the tool knows; nothing was changed'
                 WHEN 'UNKNOWN_REFERENCE' THEN CASE WHEN end_to_end_id = '' THEN 'the status names no payout, payment block or message'
                                                    ELSE 'no payout or pain.001 file of ours has this reference' END
                 WHEN 'DUPLICATE_LINE' THEN 'the same line appears earlier in the same file'
                 WHEN 'DUPLICATE_MESSAGE' THEN CASE WHEN registrant_id IS NULL
                      THEN 'the channel rejects ' || end_to_end_id || ' (' || reason_code
                           || ') as a copy of a file it already has: the first copy stands, no payout was changed; check with the channel'
                      ELSE 'the channel rejects payment ' || end_to_end_id || ' (' || reason_code
                           || ') as a copy of one it already has: the first copy stands and may be paid, so the payout was not failed; check with the channel' END
                 WHEN 'AMOUNT_MISMATCH' THEN 'file says ' || coalesce(amount_note, amount::text) || ', payout is ' || payout_amount
                 WHEN 'DOUBLE_PAYMENT' THEN 'file says PAID, the payout is ' || current_status
                      || ', and another attempt of the entitlement has paid or may have: recover ' || payout_amount
                 ELSE 'file says ' || status || ' but the payout is already ' || current_status
               END
          FROM recon_decision
         WHERE round = \(round) AND decision NOT IN ('APPLY', 'UNCHANGED')
        """

    /// `passed_paid` remembers that the payout was PAID once, whatever came after (migration 0048).
    static let apply = """
        UPDATE disbursement.payouts p
           SET status = d.status, status_at = now(), reason_code = d.reason_code, permanent = d.permanent,
               passed_paid = p.passed_paid OR 'PAID' IN (d.status, p.status)
          FROM recon_decision d
         WHERE d.round = \(round) AND d.decision = 'APPLY'
           AND p.registrant_id = d.registrant_id AND p.kind = d.kind AND p.number = d.number AND p.attempt = d.attempt
        """

    /// Each payout changed moves from its status to the new one in the kept totals
    /// (migration 0006): the same rows and values as `apply`.
    static let moveTotals = """
        INSERT INTO disbursement.payout_totals AS t (business_date, channel, kind, status, payouts, amount)
        SELECT business_date, channel, kind, status, sum(payouts), sum(amount)
          FROM (SELECT business_date, channel, kind, current_status AS status, -1 AS payouts, -payout_amount AS amount
                  FROM recon_decision WHERE round = \(round) AND decision = 'APPLY'
                UNION ALL
                SELECT business_date, channel, kind, status, 1, payout_amount
                  FROM recon_decision WHERE round = \(round) AND decision = 'APPLY') moves
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
