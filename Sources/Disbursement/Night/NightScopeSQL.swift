/// The statements of `NightScope`, in the order it runs them. They read the settings
/// `EligibilitySQL.bind` and `bindHorizon` / `bindLastNight` set for the transaction.
enum NightScopeSQL {
    static let horizon = "(SELECT current_setting('disburse.horizon')::xid8)"
    /// Transactions from the last night's horizon to this night's own (`bindLastNight`).
    static let transactionsSince = "(SELECT current_setting('disburse.transactions_since')::int)"
    /// The first instant after the last batch's date, in Jakarta.
    static let endOfLastDate = "(SELECT (current_setting('disburse.last_date')::date + 1)::timestamp AT TIME ZONE 'Asia/Jakarta')"

    /// The oldest transaction running as the night begins: whatever it or a later one writes
    /// is news to the next night, even if this night saw part of it (over-approximation is safe).
    static let bindHorizon = """
        SELECT set_config('disburse.horizon', pg_snapshot_xmin(pg_current_snapshot())::text, true),
               set_config('disburse.now_xid', pg_current_xact_id()::text, true)
        """

    /// Every function of the schema as the database defines it now.
    static let functionsDigest = """
        SELECT md5(coalesce(string_agg(p.oid::regprocedure::text || pg_get_functiondef(p.oid), '|'
                                       ORDER BY p.oid::regprocedure::text), ''))
          FROM pg_proc p
         WHERE p.pronamespace = 'disbursement'::regnamespace AND p.prokind = 'f'
        """

    /// $1: tonight. The latest batch before it and how it was made; `wrapped` when 32-bit
    /// transaction ids could no longer be told apart from its horizon.
    static let lastNight = """
        SELECT b.business_date, b.settings_fingerprint, b.tool_version, s.registry_horizon::text AS registry_horizon,
               s.member_rows, s.account_rows,
               s.rules,
               -- Over two billion transactions (32-bit xids wrap) or a horizon ahead of the
               -- counter (a restore or a move into another cluster): nothing can be told apart.
               coalesce(current_setting('disburse.now_xid')::text::numeric - s.registry_horizon::text::numeric
                        NOT BETWEEN 0 AND 2000000000, true) AS wrapped
          FROM disbursement.batches b
          LEFT JOIN disbursement.night_scopes s USING (business_date)
         WHERE b.business_date < $1
         ORDER BY b.business_date DESC
         LIMIT 1
        """

    /// $1: the last batch's date, $2: its horizon, $3 and $4: its counts of membership and
    /// account rows. The distance is taken from this transaction's own id, the one age()
    /// measures from.
    static let bindLastNight = """
        SELECT set_config('disburse.last_date', $1::date::text, true),
               set_config('disburse.transactions_since',
                          (current_setting('disburse.now_xid')::text::numeric - $2::xid8::text::numeric)::text, true),
               set_config('disburse.last_member_rows', $3::bigint::text, true),
               set_config('disburse.last_account_rows', $4::bigint::text, true)
        """

    /// Tonight's rows with a registrant in the two tables whose deletions matter (each night
    /// compares them with the last night's and records them for the next).
    static let countRows = """
        SELECT set_config('disburse.member_rows',
                          (SELECT count(*) FROM registry.decree_members WHERE registrant_id IS NOT NULL)::text, true),
               set_config('disburse.account_rows',
                          (SELECT count(*) FROM registry.payout_accounts WHERE registrant_id IS NOT NULL)::text, true)
        """

    /// What tonight makes of each decree: its scheme as read (`run_decree`, with the problem
    /// tonight's date gives it) and whether it is in force and past payable_until tonight.
    /// A decree whose fingerprint differs from the last night's touches all its members.
    static let decreeFingerprints = """
        CREATE TEMP TABLE run_decree_fingerprint ON COMMIT DROP AS
        SELECT d.decree_no,
               md5(d::text) || ':' || coalesce((d.issued_on <= \(EligibilitySQL.date))::text, '-')
                            || ':' || coalesce((d.payable_until < \(EligibilitySQL.date))::text, '-') AS fingerprint
          FROM run_decree d
        """

    static func written(_ alias: String) -> String {
        "disbursement.written_since(\(alias).xmin, \(transactionsSince))"
    }

    /// An incremental night's participants. Each statement adds one reason to look at someone;
    /// a registrant added twice is one row.
    static let touched = [
        """
        CREATE TEMP TABLE run_touched_decree ON COMMIT DROP AS
        SELECT decree_no FROM run_decree_fingerprint t FULL JOIN disbursement.decree_state s USING (decree_no)
         WHERE t.fingerprint IS DISTINCT FROM s.fingerprint
        UNION
        -- Members of a decree that cannot be paid as written are held, and all of them are
        -- counted in the night's warning.
        SELECT decree_no FROM run_decree WHERE problem IS NOT NULL
        """,
        "CREATE TEMP TABLE run_touched (registrant_id bigint PRIMARY KEY) ON COMMIT DROP",
        // Memberships written since the last batch, of a decree that changed, of none, or of a
        // decree the registry does not list.
        """
        INSERT INTO run_touched
        SELECT DISTINCT m.registrant_id
          FROM registry.decree_members m
         WHERE m.registrant_id IS NOT NULL
           AND (\(written("m")) OR m.decree_no IS NULL
                OR m.decree_no IN (SELECT decree_no FROM run_touched_decree)
                OR NOT EXISTS (SELECT 1 FROM run_decree d WHERE d.decree_no = m.decree_no))
        """,
        // Completions and surveys written since, or dated after the last batch's day: a row
        // dated in the future was not counted then and counts now.
        """
        INSERT INTO run_touched
        SELECT DISTINCT c.registrant_id
          FROM registry.training_completions c
         WHERE c.registrant_id IS NOT NULL
           AND (\(written("c")) OR (c.completed_at >= \(endOfLastDate) AND c.completed_at < \(EligibilitySQL.endOfDate)))
        ON CONFLICT DO NOTHING
        """,
        """
        INSERT INTO run_touched
        SELECT DISTINCT s.registrant_id
          FROM registry.survey_responses s
         WHERE s.registrant_id IS NOT NULL
           AND (\(written("s")) OR (s.submitted_at >= \(endOfLastDate) AND s.submitted_at < \(EligibilitySQL.endOfDate)))
        ON CONFLICT DO NOTHING
        """,
        // A tranche falls due.
        """
        INSERT INTO run_touched
        SELECT registrant_id FROM disbursement.participant_state WHERE next_check_on <= \(EligibilitySQL.date)
        ON CONFLICT DO NOTHING
        """,
        // Held: every hold is decided again each night (it may be released).
        """
        INSERT INTO run_touched
        SELECT DISTINCT registrant_id FROM disbursement.holds WHERE released_on IS NULL
        ON CONFLICT DO NOTHING
        """,
        "INSERT INTO run_touched SELECT DISTINCT registrant_id FROM run_conflict ON CONFLICT DO NOTHING",
        // A person with a VA and no membership row takes the decree of their last payout, which
        // no decree fingerprint reaches: decided every night (rare: a membership deleted).
        """
        INSERT INTO run_touched
        SELECT v.registrant_id FROM disbursement.virtual_accounts v
         WHERE NOT EXISTS (SELECT 1 FROM registry.decree_members m WHERE m.registrant_id = v.registrant_id)
        ON CONFLICT DO NOTHING
        """,
        // Awaiting a retry: an entitlement with attempts but none live, not expired.
        """
        INSERT INTO run_touched
        SELECT DISTINCT p.registrant_id
          FROM disbursement.payouts p
         WHERE NOT p.live
           AND NOT EXISTS (SELECT 1 FROM disbursement.payouts q
                            WHERE q.registrant_id = p.registrant_id AND q.kind = p.kind AND q.number = p.number AND q.live)
           AND NOT EXISTS (SELECT 1 FROM disbursement.expired x
                            WHERE x.registrant_id = p.registrant_id AND x.kind = p.kind AND x.number = p.number)
        ON CONFLICT DO NOTHING
        """,
        // The reads of the stages below are planned from its size (index probes for a few
        // thousand, hashes for many).
        "ANALYZE run_touched",
    ]

    /// Participants a tranche falls due for tonight, against all the last night kept state for.
    static let dueShare = """
        SELECT count(*) FILTER (WHERE next_check_on <= \(EligibilitySQL.date)) AS touched, count(*) AS participants
          FROM disbursement.participant_state
        """

    /// How many an incremental night would decide, against the participants the last night
    /// kept state for (everyone with a membership row or a tranche to come).
    static let touchedShare = """
        SELECT (SELECT count(*) FROM run_touched) AS touched, (SELECT count(*) FROM disbursement.participant_state) AS participants
        """

    /// A full night keeps every registrant's state afresh.
    /// TRUNCATE, not DELETE: a full night replaces every row, and deleting them left a table
    /// and index twice the size to write into (2 s of 2.2 at 1 M participants). In no order:
    /// the table has no index and is only ever read whole or hashed.
    static let keepAllState = [
        "TRUNCATE disbursement.participant_state",
        """
        INSERT INTO disbursement.participant_state (registrant_id, member_rows, next_check_on)
        SELECT registrant_id, coalesce(m.n, 0), s.next_check_on
          FROM (SELECT registrant_id, count(*)::int AS n FROM registry.decree_members
                 WHERE registrant_id IS NOT NULL GROUP BY registrant_id) m
          FULL JOIN (SELECT registrant_id, next_check_on FROM run_scheme WHERE next_check_on IS NOT NULL) s USING (registrant_id)
        """,
    ]

    /// An incremental night replaces the state of those it decided.
    static let keepTouchedState = [
        "DELETE FROM disbursement.participant_state s USING run_touched t WHERE s.registrant_id = t.registrant_id",
        """
        INSERT INTO disbursement.participant_state (registrant_id, member_rows, next_check_on)
        SELECT r.registrant_id, r.member_rows, sc.next_check_on
          FROM run_member_rows r
          LEFT JOIN run_scheme sc USING (registrant_id)
         WHERE r.member_rows > 0 OR sc.next_check_on IS NOT NULL
         ORDER BY r.registrant_id
        """,
    ]

    /// Registrants whose account rows were written since the last batch: their number in
    /// `account_numbers` is worked out again (participant or not: anyone's number can make a
    /// participant's shared).
    static let accountsChanged = [
        "CREATE TEMP TABLE run_account_changed (registrant_id bigint PRIMARY KEY) ON COMMIT DROP",
        """
        INSERT INTO run_account_changed
        SELECT DISTINCT x.registrant_id FROM registry.payout_accounts x
         WHERE x.registrant_id IS NOT NULL AND \(written("x"))
        """,
    ]

    /// A full night's one pass over every account: each registrant's account in force (the
    /// first by `account_may_be_in_force`, then the shared recency order of 0051; `in_force`
    /// false when every account is closed), the number it is paid to and its key, and the
    /// registrant's count of account rows. `account_numbers` and `EligibilitySQL.persons` both
    /// read it: the accounts are sorted and keyed once a night, as before issue 15.
    static let allAccounts = """
        CREATE TEMP TABLE run_account ON COMMIT DROP AS
        SELECT f.*, disbursement.account_key(f.payable_no) AS account_key
          FROM (SELECT g.*, \(EligibilitySQL.payableNumber(kind: "g.channel_kind", accountNo: "g.account_no")) AS payable_no
                  FROM (SELECT DISTINCT ON (pa.registrant_id) pa.*, \(EligibilitySQL.channelKind("pa")) AS channel_kind,
                               count(*) OVER (PARTITION BY pa.registrant_id)::int AS account_rows,
                               disbursement.account_may_be_in_force(pa.status) AS in_force
                          FROM registry.payout_accounts pa
                         WHERE pa.registrant_id IS NOT NULL
                         ORDER BY pa.registrant_id, disbursement.account_may_be_in_force(pa.status) DESC,
                                  \(EligibilitySQL.accountInForceOrder("pa"))) g) f
        """

    /// The persons read it by registrant and in_force only (its names and numbers are wide text).
    static let analyzeAllAccounts = "ANALYZE run_account (registrant_id, in_force)"

    static let keepAllAccountNumbers = [
        "TRUNCATE disbursement.account_numbers",
        """
        INSERT INTO disbursement.account_numbers (registrant_id, account_rows, provider, account_key)
        SELECT registrant_id, account_rows, CASE WHEN in_force THEN provider END,
               CASE WHEN in_force THEN account_key ELSE disbursement.account_key(NULL) END
          FROM run_account
        """,
    ]

    /// The account in force of the registrants in `run_account_changed`, as `allAccounts` takes
    /// it. The key is computed in the outer query, for one row per registrant, not every account.
    static let keepChangedAccountNumbers = [
        "DELETE FROM disbursement.account_numbers n USING run_account_changed c WHERE n.registrant_id = c.registrant_id",
        """
        INSERT INTO disbursement.account_numbers (registrant_id, account_rows, provider, account_key)
        SELECT f.registrant_id, f.account_rows, f.provider,
               disbursement.account_key(\(EligibilitySQL.payableNumber(kind: EligibilitySQL.channelKind("f"), accountNo: "f.account_no")))
          FROM (SELECT DISTINCT ON (pa.registrant_id) pa.registrant_id,
                       count(*) OVER (PARTITION BY pa.registrant_id)::int AS account_rows,
                       CASE WHEN disbursement.account_may_be_in_force(pa.status) THEN pa.provider END AS provider,
                       CASE WHEN disbursement.account_may_be_in_force(pa.status) THEN pa.account_no END AS account_no
                  FROM registry.payout_accounts pa
                 WHERE pa.registrant_id IS NOT NULL
                   AND pa.registrant_id IN (SELECT registrant_id FROM run_account_changed)
                 -- Accounts that may be in force first, then accountInForceOrder.
                 ORDER BY pa.registrant_id, disbursement.account_may_be_in_force(pa.status) DESC,
                          \(EligibilitySQL.accountInForceOrder("pa"))) f
         ORDER BY f.registrant_id
        """,
    ]

    static let refreshAccountNumberStatistics = "SELECT disbursement.refresh_statistics('account_numbers')"

    static let keepDecreeState = [
        "DELETE FROM disbursement.decree_state",
        "INSERT INTO disbursement.decree_state (decree_no, fingerprint) SELECT decree_no, fingerprint FROM run_decree_fingerprint",
    ]

    /// $1: the scope, $2: why it is full, $3: the rules' fingerprint.
    static func recordScope(incremental: Bool) -> String {
        """
        INSERT INTO disbursement.night_scopes
            (business_date, scope, reason, registry_horizon, member_rows, account_rows, touched, rules)
        SELECT \(EligibilitySQL.date), $1, $2, \(horizon), current_setting('disburse.member_rows')::bigint,
               current_setting('disburse.account_rows')::bigint,
               (SELECT count(*) FROM \(incremental ? "run_touched" : "run_member")), $3
        RETURNING touched
        """
    }

    /// What the kept state depends on besides the registry: the night's own statements.
    static var statements: [String] {
        [EligibilitySQL.decrees, EligibilitySQL.members(touchedOnly: false), EligibilitySQL.members(touchedOnly: true),
         EligibilitySQL.schemes, EligibilitySQL.entitlements, EligibilitySQL.persons(fromAllAccounts: true),
         EligibilitySQL.persons(fromAllAccounts: false), EligibilitySQL.decisions, EligibilitySQL.markDuplicateNIKs,
         decreeFingerprints, RowCountGuard.members.countChanged, allAccounts, RowCountGuard.accounts.countChanged]
            + touched + keepAllState + keepTouchedState + keepChangedAccountNumbers + keepAllAccountNumbers
            + EligibilitySQL.duplicateNIKs
    }
}
