/// The set-based statements of one night, run in order inside the batch's transaction.
/// Temporary tables vanish at commit or rollback, so a dry run leaves nothing behind.
enum EligibilitySQL {
    /// CREATE TABLE AS takes no bound parameters, so the run's inputs are bound once into
    /// transaction-local settings (`bind`) and every statement reads them from there. The
    /// scalar subquery makes each statement read and parse a setting once, not once per row
    /// (a measurable cost over millions of rows).
    static let date = "(SELECT current_setting('disburse.business_date')::date)"
    static let channels = "current_setting('disburse.channels')::text[]"
    static let attemptLimit = "(SELECT current_setting('disburse.attempt_limit')::int)"
    /// Configured channels by the kind the settings give them (enabled or not).
    static let bankChannels = "(SELECT current_setting('disburse.bank_channels')::text[])"
    static let ewalletChannels = "(SELECT current_setting('disburse.ewallet_channels')::text[])"

    /// The first instant after the business date, in Jakarta: a completion or survey at or after
    /// it has not happened yet as far as the night is concerned.
    static let endOfDate = "(SELECT (current_setting('disburse.business_date')::date + 1)::timestamp AT TIME ZONE 'Asia/Jakarta')"

    /// The Jakarta day of a registry timestamp, or NULL when the timestamp is not plausible:
    /// before 2000 (the programme did not exist; '-infinity', 1970 placeholders) or after the
    /// business date ('infinity', year 294276). The range is tested before the conversion, in a
    /// CASE so that the order is guaranteed: `AT TIME ZONE` overflows (SQLSTATE 22008) near the
    /// end of the timestamptz range, and such a value must not stop the night for everyone.
    /// The rule is `disbursement.jakarta_day` (migration 0040), shared with the participant
    /// statement and inlined by the planner.
    static func jakartaDay(_ column: String) -> String {
        "disbursement.jakarta_day(\(column), \(endOfDate))"
    }

    /// The longest decree number the night keys by, in bytes. Registry constraints are not
    /// trusted (SPEC §2): a number over a btree entry (2,704 bytes) stopped the night for
    /// everyone (attack 27 F6), and none of a real programme's numbers comes near this.
    static let longestDecreeNumber = 200

    /// A decree number as the night keys it: as written, or, when longer than
    /// `longestDecreeNumber`, its first 160 characters, its length and its MD5, which a btree
    /// can hold (at most 694 bytes) and an operator can find (its decree is INVALID_DECREE
    /// either way). Such a key is always longer than 200 bytes (160 characters and 54 bytes
    /// more, or the whole number when it has fewer characters), so it is never the number of a
    /// decree kept as written, which would merge the two and hold the genuine one's members.
    static func decreeNumber(_ column: String) -> String {
        """
        CASE WHEN octet_length(\(column)) <= \(longestDecreeNumber) THEN \(column)
             ELSE left(\(column), 160) || '… (' || octet_length(\(column)) || ' bytes, md5 ' || md5(\(column)) || ')' END
        """
    }

    /// Registrant ids the end-to-end id can carry and `EndToEndID` read back: 1 to 18 digits.
    static func registrantIDValid(_ column: String) -> String {
        "(\(column) BETWEEN 1 AND 999999999999999999)"
    }

    static func bind(_ connection: Connection, date: BusinessDate, settings: Settings) throws {
        try connection.execute(
            """
            SELECT set_config('disburse.business_date', $1, true), set_config('disburse.channels', $2, true),
                   set_config('disburse.attempt_limit', $3, true), set_config('disburse.bank_channels', $4, true),
                   set_config('disburse.ewallet_channels', $5, true)
            """,
            [date, PostgresArray(settings.enabledChannelCodes), settings.attemptLimit,
             PostgresArray(settings.channelCodes(.bank)), PostgresArray(settings.channelCodes(.ewallet))])
    }

    /// One row per decree number, whatever the registry holds (a number listed twice is one
    /// row), with what makes it unpayable as written, or NULL. Members of a decree with a
    /// problem are held INVALID_DECREE; the night goes on for everyone else.
    static let decrees = """
        CREATE TEMP TABLE run_decree ON COMMIT DROP AS
        SELECT d.decree_no, min(d.issued_on) AS issued_on, min(d.payable_until) AS payable_until,
               min(d.training_amount) AS training_amount, min(d.incentive_amount) AS incentive_amount,
               min(d.incentive_tranches) AS incentive_tranches, min(d.incentive_interval_days) AS incentive_interval_days,
               min(d.survey_amount) AS survey_amount, min(d.survey_count) AS survey_count,
               CASE
                 WHEN max(d.decree_bytes) > \(longestDecreeNumber) THEN 'has a decree number longer than \(longestDecreeNumber) bytes (shown shortened)'
                 WHEN count(*) > 1 THEN 'is listed more than once in registry.decrees'
                 WHEN min(d.issued_on) IS NULL THEN 'has no issued_on'
                 -- The programme began in 2020: an earlier date is a typo, not a decree.
                 WHEN min(d.issued_on) < DATE '2000-01-01' THEN 'has an implausible issued_on (before 2000)'
                 -- Only members the night already knows (they have a VA) are read for such a
                 -- decree (run_member): a date moved forward after they were paid is a typo.
                 WHEN min(d.issued_on) > \(date) THEN 'has an issued_on after the business date, but members already have virtual accounts'
                 -- The ceilings are far above any real scheme; they stop a typo from paying
                 -- billions or from minting millions of entitlements, and keep sums inside bigint.
                 WHEN min(d.training_amount) IS NULL OR min(d.training_amount) NOT BETWEEN 1 AND 10000000000
                   OR min(d.incentive_amount) IS NULL OR min(d.incentive_amount) NOT BETWEEN 1 AND 10000000000
                   OR min(d.survey_amount) IS NULL OR min(d.survey_amount) NOT BETWEEN 1 AND 10000000000
                   THEN 'has a missing, zero, negative or implausibly large amount (1 to 10,000,000,000)'
                 WHEN min(d.incentive_tranches) IS NULL OR min(d.incentive_tranches) NOT BETWEEN 0 AND 120
                   OR min(d.survey_count) IS NULL OR min(d.survey_count) NOT BETWEEN 0 AND 120
                   OR min(d.incentive_interval_days) IS NULL OR min(d.incentive_interval_days) NOT BETWEEN 0 AND 3660
                   THEN 'has a missing or implausible count or interval (counts 0 to 120, interval 0 to 3,660 days)'
                 WHEN min(d.payable_until) < min(d.issued_on) THEN 'has a payable_until before its issued_on'
               END AS problem
          FROM (SELECT \(decreeNumber("x.decree_no")) AS decree_no, octet_length(x.decree_no) AS decree_bytes,
                       x.issued_on, x.payable_until, x.training_amount, x.incentive_amount, x.incentive_tranches,
                       x.incentive_interval_days, x.survey_amount, x.survey_count
                  FROM registry.decrees x) d
         WHERE d.decree_no IS NOT NULL
         GROUP BY d.decree_no
        """

    static let decreesIndex = "ALTER TABLE run_decree ADD PRIMARY KEY (decree_no)"

    /// One row per registrant in a decree in force. The decree whose scheme applies is the
    /// approved one (earliest issued when several); being in two decrees is itself a hold. A
    /// membership is approved only when its status is exactly 'approved' (all its rows, when the
    /// registry lists it twice). A decree that is missing or has no issued_on is taken as in
    /// force, so its members are held INVALID_DECREE rather than forgotten.
    ///
    /// An incremental night (`NightScope`) reads only the registrants in `run_touched`.
    static func members(touchedOnly: Bool) -> String {
        let touched = touchedOnly ? "AND m.registrant_id IN (SELECT registrant_id FROM run_touched)" : ""
        let touchedVA = touchedOnly ? "AND v.registrant_id IN (SELECT registrant_id FROM run_touched)" : ""
        return """
        CREATE TEMP TABLE run_member ON COMMIT DROP AS
        SELECT m.registrant_id,
               (array_agg(m.decree_no ORDER BY \(SharedOrder.decreePrecedence(status: "m.status", issuedOn: "d.issued_on", decreeNo: "m.decree_no"))))[1] AS decree_no,
               CASE WHEN min(m.decree_no) <> max(m.decree_no) OR count(m.decree_no) BETWEEN 1 AND count(*) - 1
                    THEN coalesce(bool_or(m.status = 'approved'), false)
                    ELSE bool_and(coalesce(m.status = 'approved', false)) END AS approved,
               CASE WHEN min(m.decree_no) <> max(m.decree_no) OR count(m.decree_no) BETWEEN 1 AND count(*) - 1
                    THEN 2 ELSE 1 END AS decree_count,
               true AS listed
          FROM (SELECT \(decreeNumber("x.decree_no")) AS decree_no, x.registrant_id, x.status
                  FROM registry.decree_members x) m
          LEFT JOIN run_decree d USING (decree_no)
         WHERE m.registrant_id IS NOT NULL \(touched)
           AND disbursement.decree_in_force(d.issued_on, \(date),
                -- A decree dated in the future after its members got numbers keeps them (held
                -- INVALID_DECREE), so what they are owed does not vanish.
                EXISTS (SELECT 1 FROM disbursement.virtual_accounts v WHERE v.registrant_id = m.registrant_id))
         GROUP BY m.registrant_id
        UNION ALL
        -- A person with a VA whose membership row vanished from the registry is still owed what
        -- was due: not approved any more, so held NOT_APPROVED, never silently dropped. The
        -- decree last paid to them gives the scheme (one index probe, for these few only).
        SELECT v.registrant_id,
               (SELECT p.decree_no FROM disbursement.payouts p WHERE p.registrant_id = v.registrant_id
                 ORDER BY p.business_date DESC, p.kind, p.number, p.attempt DESC LIMIT 1),
               false, 1, false
          FROM disbursement.virtual_accounts v
         WHERE NOT EXISTS (SELECT 1 FROM registry.decree_members m WHERE m.registrant_id = v.registrant_id) \(touchedVA)
        """
    }

    /// Decrees in force with members that cannot be paid as written, for the night's warnings.
    static let invalidDecrees = """
        SELECT rm.decree_no, coalesce(d.problem, 'is not in registry.decrees') AS problem, count(*) AS members
          FROM run_member rm
          LEFT JOIN run_decree d USING (decree_no)
         WHERE rm.listed AND (d.decree_no IS NULL OR d.problem IS NOT NULL)
         GROUP BY rm.decree_no, d.problem
         ORDER BY rm.decree_no
        """

    static let membersIndex = "ALTER TABLE run_member ADD PRIMARY KEY (registrant_id)"

    /// Approved participants without a number yet, numbered 0… in registrant order so the
    /// issuance is the same in a dry run and the real one.
    static let newVirtualAccounts = """
        CREATE TEMP TABLE run_new_va ON COMMIT DROP AS
        SELECT registrant_id, (row_number() OVER (ORDER BY registrant_id) - 1)::bigint AS ordinal
          FROM run_member rm
         WHERE rm.approved
           -- The end-to-end id could not be read back (held INVALID_REGISTRANT_ID).
           AND \(registrantIDValid("rm.registrant_id"))
           -- A decree that cannot be paid as written does not establish the approval yet.
           AND EXISTS (SELECT 1 FROM run_decree d WHERE d.decree_no = rm.decree_no AND d.problem IS NULL)
           AND NOT EXISTS (SELECT 1 FROM disbursement.virtual_accounts v WHERE v.registrant_id = rm.registrant_id)
        """

    static let newVirtualAccountsIndex = "CREATE INDEX ON run_new_va (ordinal)"

    /// Everything the three kinds of entitlement need about a member, gathered once: the decree's
    /// scheme, the first qualifying completion, the day the VA was issued. Members of a decree
    /// with a problem get the scheme as far as it can be read: an amount outside the plausible
    /// range reads as 0 (unknown), a count outside it as at least 1 and at most 120, an interval
    /// outside it as 0. The first qualifying day is the earlier of the registry's and the one
    /// kept (`disbursement.first_completions`): a kept day whose completion no longer
    /// qualifies on or before it (review blanked, rating changed) is `completion_withdrawn`.
    ///
    /// `next_check_on` is the next day after tonight an incentive tranche falls due (surveys and
    /// training are due by tonight or when a registry row is written): an incremental night
    /// decides the participant again that day.
    static let schemes = """
        CREATE TEMP TABLE run_scheme ON COMMIT DROP AS
        SELECT s.*,
               -- The first tranche due after tonight: number (days since first_on) / interval + 2.
               CASE WHEN s.first_on > \(date) THEN s.first_on
                    WHEN s.first_on IS NOT NULL AND s.incentive_interval_days > 0
                         AND (\(date) - s.first_on) / s.incentive_interval_days + 2 <= s.incentive_tranches
                    THEN disbursement.incentive_due(s.first_on, (\(date) - s.first_on) / s.incentive_interval_days + 2,
                                                    s.incentive_interval_days)
               END AS next_check_on
          FROM (
        SELECT rm.registrant_id, coalesce(rm.decree_no, '(none)') AS decree_no, rm.approved,
               d.decree_no IS NOT NULL AND d.problem IS NULL AS decree_valid,
               rm.approved AND rm.decree_count = 1 AND d.decree_no IS NOT NULL AND d.problem IS NULL AS approval_sound,
               CASE WHEN d.training_amount BETWEEN 1 AND 10000000000 THEN d.training_amount ELSE 0 END AS training_amount,
               CASE WHEN d.incentive_amount BETWEEN 1 AND 10000000000 THEN d.incentive_amount ELSE 0 END AS incentive_amount,
               CASE WHEN d.survey_amount BETWEEN 1 AND 10000000000 THEN d.survey_amount ELSE 0 END AS survey_amount,
               CASE WHEN d.decree_no IS NOT NULL AND d.problem IS NULL THEN d.incentive_tranches
                    ELSE least(greatest(coalesce(d.incentive_tranches, 1), 1), 120) END AS incentive_tranches,
               disbursement.incentive_interval(d.incentive_interval_days) AS incentive_interval_days,
               CASE WHEN d.decree_no IS NOT NULL AND d.problem IS NULL THEN d.survey_count
                    ELSE least(greatest(coalesce(d.survey_count, 1), 1), 120) END AS survey_count,
               CASE WHEN d.decree_no IS NOT NULL AND d.problem IS NULL THEN d.payable_until END AS payable_until,
               f.first_on AS qualified_on, k.first_on AS kept_on, disbursement.first_qualifying_day(f.first_on, k.first_on) AS first_on,
               k.first_on IS NOT NULL AND (f.first_on IS NULL OR f.first_on > k.first_on) AS completion_withdrawn,
               v.issued_on AS va_on
          FROM run_member rm
          LEFT JOIN run_decree d USING (decree_no)
          LEFT JOIN (
                -- A completion counts from 2000 (jakartaDay) and from its decree's issued_on
                -- when the decree is valid: none can precede the programme or the decree.
                SELECT q.registrant_id, min(q.day) AS first_on
                  FROM (SELECT c.registrant_id, \(jakartaDay("c.completed_at")) AS day
                          FROM registry.training_completions c
                          -- Shared with the participant statement (migration 0040), inlined.
                         WHERE disbursement.completion_qualifies(c.certificate_no, c.rating, c.review, c.completed_at)) q
                  JOIN run_member qm USING (registrant_id)
                  LEFT JOIN run_decree qd ON qd.decree_no = qm.decree_no AND qd.problem IS NULL
                 WHERE disbursement.completion_within_decree(q.day, qd.issued_on)
                 GROUP BY q.registrant_id) f USING (registrant_id)
          LEFT JOIN disbursement.first_completions k USING (registrant_id)
          LEFT JOIN disbursement.virtual_accounts v USING (registrant_id)) s
        """

    /// The first qualifying day of a sound approval (approved once, in a valid decree, so the
    /// decree's issued_on bounded it), kept the first night it is seen and moved only earlier.
    /// Writes only what is new: a night's work grows with new completions, not with members.
    /// `kept_on` was read in this transaction and the run lock makes the night the table's only
    /// writer, so new days are plain inserts in key order (less than half the cost of
    /// `ON CONFLICT DO UPDATE` on each) and earlier days an update.
    static let keepFirstCompletions = [
        """
        INSERT INTO disbursement.first_completions (registrant_id, first_on, recorded_on)
        SELECT registrant_id, qualified_on, \(date)
          FROM run_scheme
         WHERE approval_sound AND qualified_on IS NOT NULL AND kept_on IS NULL
         ORDER BY registrant_id
        """,
        """
        UPDATE disbursement.first_completions k SET first_on = s.qualified_on, recorded_on = \(date)
          FROM run_scheme s
         WHERE s.registrant_id = k.registrant_id AND s.approval_sound AND s.qualified_on < s.kept_on
        """,
    ]

    /// Members whose kept completion stopped qualifying and who have something held for it
    /// tonight, for the night's warning.
    static let withdrawnCompletions = """
        SELECT count(DISTINCT registrant_id) AS members, count(*) AS entitlements, coalesce(sum(amount), 0) AS amount
          FROM run_decision WHERE reason = 'COMPLETION_WITHDRAWN'
        """

    /// Every entitlement that exists for the date and is neither settled nor expired: due ones,
    /// and for decrees past payable_until all of them (they are about to expire). Members of a
    /// decree with a problem get the entitlements its scheme can be read for, all held; they
    /// never expire while the decree is wrong, and an approved one without a VA is owed
    /// TRAINING 1 from the day it is seen.
    static let entitlements = """
        CREATE TEMP TABLE run_entitlement ON COMMIT DROP AS
        WITH candidate AS (
            SELECT m.registrant_id, 'TRAINING'::text AS kind, 1 AS number, m.training_amount AS amount,
                   m.decree_no, m.decree_valid, disbursement.training_due(m.va_on, \(date)) AS due_on, m.payable_until,
                   false AS completion_withdrawn
              FROM run_scheme m
             WHERE m.va_on IS NOT NULL OR (m.approved AND NOT (m.decree_valid AND \(registrantIDValid("m.registrant_id"))))
            UNION ALL
            SELECT m.registrant_id, 'INCENTIVE', n, m.incentive_amount, m.decree_no, m.decree_valid,
                   disbursement.incentive_due(m.first_on, n, m.incentive_interval_days), m.payable_until, m.completion_withdrawn
              FROM run_scheme m CROSS JOIN LATERAL generate_series(1, m.incentive_tranches) AS n
             WHERE m.first_on IS NOT NULL
            UNION ALL
            -- A survey listed twice counts once, from its first submission.
            SELECT m.registrant_id, 'SURVEY', s.survey_no, m.survey_amount, m.decree_no, m.decree_valid,
                   disbursement.survey_due(min(\(jakartaDay("s.submitted_at"))), m.first_on), m.payable_until, m.completion_withdrawn
              FROM run_scheme m JOIN registry.survey_responses s USING (registrant_id)
             WHERE m.first_on IS NOT NULL AND s.survey_no BETWEEN 1 AND m.survey_count
               AND \(jakartaDay("s.submitted_at")) IS NOT NULL
             GROUP BY m.registrant_id, s.survey_no, m.survey_amount, m.decree_no, m.decree_valid, m.first_on, m.payable_until,
                      m.completion_withdrawn
        )
        SELECT c.*, (c.payable_until IS NOT NULL AND c.payable_until < \(date)) AS expiring
          FROM candidate c
         WHERE (c.due_on <= \(date) OR (c.payable_until IS NOT NULL AND c.payable_until < \(date)))
           AND NOT EXISTS (SELECT 1 FROM disbursement.payouts p
                            WHERE p.registrant_id = c.registrant_id AND p.kind = c.kind AND p.number = c.number
                              AND p.live)
           AND NOT EXISTS (SELECT 1 FROM disbursement.expired x
                            WHERE x.registrant_id = c.registrant_id AND x.kind = c.kind AND x.number = c.number)
        """

    static let expire = """
        INSERT INTO disbursement.expired (registrant_id, kind, number, decree_no, amount, expired_on)
        SELECT registrant_id, kind, number, decree_no, amount, \(date) FROM run_entitlement e
         WHERE expiring
           -- An open status conflict may be money paid: it is settled first (ConflictHoldSQL).
           AND NOT EXISTS (SELECT 1 FROM run_conflict c
                            WHERE c.registrant_id = e.registrant_id AND c.kind = e.kind AND c.number = e.number)
        """

    /// NIKs held by more than one registrant, over the whole registry. Read in NIK order from
    /// its index and grouped as it streams: hashing millions of NIKs (or probing the index
    /// once per person) is several times slower, so `duplicateNIKs` switches hashing off for
    /// this one statement.
    static let duplicateNIKs = [
        "SET LOCAL enable_hashagg = off",
        """
        CREATE TEMP TABLE run_duplicate_nik ON COMMIT DROP AS
        SELECT nik FROM registry.registrants WHERE nik IS NOT NULL GROUP BY nik HAVING count(*) > 1
        """,
        "SET LOCAL enable_hashagg TO DEFAULT",
        "ANALYZE run_duplicate_nik",
    ]

    /// An incremental night decides a few persons: `run_duplicate_nik` stays empty and their
    /// NIKs are looked up in the whole registry through its index on nik once `run_person` has
    /// them (`markDuplicateNIKs`), with the same answer for them: a NIK on more than one row.
    static let touchedDuplicateNIKs = ["CREATE TEMP TABLE run_duplicate_nik (nik text) ON COMMIT DROP"]

    static let markDuplicateNIKs = """
        UPDATE run_person p SET nik_duplicate = true
         -- Two rows are enough to know: a NIK many share (a placeholder) costs two index
         -- entries per person, not all of them (quadratic, attack 27 F5).
         WHERE p.nik IS NOT NULL
           AND (SELECT count(*) FROM (SELECT 1 FROM registry.registrants r WHERE r.nik = p.nik LIMIT 2) two) > 1
        """

    /// Tonight's persons whose number an earlier payout sent to another registrant, even if that
    /// registrant has moved on: a number once paid to one person is never paid to another. Only
    /// live payouts (ISSUED, PENDING, PAID) count: a failed or returned one left no money there
    /// (and phone numbers are recycled). Numbers shared in the registry itself are marked by
    /// `persons`. The planner probes `payouts_by_account` when few persons are due and hashes
    /// when many are.
    static let sharedAccountHistory = """
        UPDATE run_person p SET account_shared = true
          FROM (SELECT DISTINCT q.registrant_id
                  FROM run_person q
                  JOIN disbursement.payouts x
                    ON x.channel = q.provider AND disbursement.account_key(x.account_no) = q.account_key AND x.kind <> 'TRAINING'
                 WHERE x.registrant_id <> q.registrant_id AND x.live AND q.account_key <> '' AND NOT q.account_shared) s
         WHERE s.registrant_id = p.registrant_id
        """

    /// A person whose NIK the tool recorded for another registrant_id when it issued that one's
    /// VA or paid it (REREGISTERED_NIK, issue 13 F5, migration 0023): the same person registered
    /// again, even if the old registry row is gone or has another NIK now.
    static let reregisteredNIKs = """
        UPDATE run_person p SET nik_reregistered = true
         WHERE p.nik_valid
           AND EXISTS (SELECT 1 FROM disbursement.participant_niks k WHERE k.nik = p.nik_number AND k.registrant_id <> p.registrant_id)
        """

    /// The NIK of everyone paid tonight or given a VA tonight, when it is beyond doubt (valid,
    /// nobody else's, not recorded for someone else): the record REREGISTERED_NIK reads.
    /// Only pairs not yet recorded are inserted, in key order: a plain insert that appends to the
    /// primary key's right edge costs under half of `ON CONFLICT DO NOTHING` on every pair in
    /// random order (which inserts speculatively and checks the index twice per row). The run
    /// lock makes this night the table's only writer, and run_person has one row per registrant.
    /// A join, not `IN (…) OR IN (…)`: hashed subplans are planned only while they fit in memory,
    /// and past that size each would be read again for every person.
    static let recordNIKs = """
        INSERT INTO disbursement.participant_niks (nik, registrant_id, recorded_on)
        SELECT p.nik_number, p.registrant_id, \(date)
          FROM run_person p
          JOIN (SELECT registrant_id FROM run_decision WHERE reason IS NULL
                UNION SELECT registrant_id FROM run_new_va) x USING (registrant_id)
         WHERE p.nik_valid AND NOT p.nik_duplicate AND NOT p.nik_reregistered
           AND NOT EXISTS (SELECT 1 FROM disbursement.participant_niks k WHERE k.nik = p.nik_number AND k.registrant_id = p.registrant_id)
         ORDER BY p.nik_number, p.registrant_id
        """

    /// What the holds need to know about each person with something due, computed once per
    /// person: identity checks and the account in force (most recently linked, not closed).
    /// An account's payable kind is its provider's channel kind from the settings, never the
    /// row's own `kind` (which only has to agree with it).
    ///
    /// SHARED_ACCOUNT (issue 13 F7): a number (provider and key, `disbursement.account_key`) on
    /// the account in force of another registrant too, participant or not, whatever the
    /// account's status. Every registrant's number is kept in `account_numbers` (brought up to
    /// date by `NightScope` before this statement), keyed already: one hash join finds the
    /// holders of tonight's numbers.
    ///
    /// A full night has every registrant's account in force already (`NightScopeSQL.allAccounts`,
    /// `run_account`, read once for `account_numbers` too); an incremental night reads only its
    /// persons' accounts, through the registry's index on registrant_id.
    static func persons(fromAllAccounts: Bool) -> String {
        let accounts = fromAllAccounts
            ? """
            a AS (
                -- Joined to the persons only, so no filter by them here (a second hash of
                -- every entitlement did nothing but cost 0.2 s at 1 M registrants).
                SELECT * FROM run_account WHERE in_force
            )
            """
            : """
            account_in_force AS (
                SELECT DISTINCT ON (pa.registrant_id) pa.*, \(channelKind("pa")) AS channel_kind
                  FROM registry.payout_accounts pa
                 WHERE disbursement.account_may_be_in_force(pa.status)
                   AND pa.registrant_id IN (SELECT registrant_id FROM run_entitlement WHERE NOT expiring)
                 ORDER BY pa.registrant_id, \(accountInForceOrder("pa"))
            ), a AS (
                -- The key drops separators and folds case (migration 0022).
                SELECT f.*, disbursement.account_key(f.payable_no) AS account_key
                  FROM (SELECT g.*, \(payableNumber(kind: "g.channel_kind", accountNo: "g.account_no")) AS payable_no
                          FROM account_in_force g) f
            )
            """
        // Who else holds these numbers (on their account in force), from account_numbers. A
        // full night's persons hold nearly every number: one hashed count of all of them (0.2 s
        // at 1 M registrants) beats the join, which the planner misjudged as a hundred rows and
        // sorted (1.3 s); a few persons look up only their numbers.
        let holders = fromAllAccounts
            ? """
            SELECT n.provider, n.account_key, count(*) AS holders, min(n.registrant_id) AS holder
              FROM disbursement.account_numbers n
             WHERE n.provider IS NOT NULL AND n.account_key <> ''
             GROUP BY n.provider, n.account_key
            """
            : """
            SELECT n.provider, n.account_key, count(*) AS holders, min(n.registrant_id) AS holder
              FROM disbursement.account_numbers n
              JOIN (SELECT DISTINCT provider, account_key FROM a WHERE provider IS NOT NULL AND account_key <> '') m
                USING (provider, account_key)
             GROUP BY n.provider, n.account_key
            """
        return """
        CREATE TEMP TABLE run_person ON COMMIT DROP AS
        WITH \(accounts), holders AS (
            \(holders)
        )
        SELECT p.registrant_id, r.full_name, r.nik,
               coalesce(\(nikValid("r.nik")), false) AS nik_valid,
               -- The number a valid NIK spells, as participant_niks keeps it (migration 0054);
               -- CASE, so the cast never sees anything but 16 digits.
               CASE WHEN \(nikValid("r.nik")) THEN r.nik::bigint END AS nik_number,
               dup.nik IS NOT NULL AS nik_duplicate, false AS nik_reregistered,
               a.account_id, a.provider, a.kind AS account_kind, a.channel_kind, a.payable_no AS account_no,
               a.account_name, a.upgraded, a.status AS account_status,
               -- A person without an account has the key of no number, ''.
               coalesce(a.account_key, disbursement.account_key(NULL)) AS account_key,
               coalesce(h.holders > 1 OR h.holder <> p.registrant_id, false) AS account_shared,
               coalesce(a.owner_nik = r.nik, false) AS owner_matches,
               -- Read for e-wallets only, whose payable number is their phone form already.
               coalesce(a.channel_kind = 'ewallet' AND a.payable_no = disbursement.normalize_phone(r.phone), false) AS phone_matches,
               -- E-wallets: 8 to 15 digits written 62…. Banks: 1 to 34 letters, digits, spaces
               -- or dashes, starting with a letter or digit and holding at least one digit.
               coalesce(CASE WHEN a.channel_kind = 'ewallet'
                             THEN a.payable_no ~ '^62[0-9]+$' AND octet_length(a.payable_no) BETWEEN 8 AND 15
                             ELSE a.payable_no ~ '^[0-9A-Za-z][0-9A-Za-z -]*$' AND octet_length(a.payable_no) <= 34
                                  AND a.payable_no ~ '[0-9]' END, false) AS account_no_valid
          FROM (SELECT DISTINCT registrant_id FROM run_entitlement WHERE NOT expiring) p
          LEFT JOIN registry.registrants r USING (registrant_id)
          LEFT JOIN run_duplicate_nik dup USING (nik)
          LEFT JOIN a USING (registrant_id)
          LEFT JOIN holders h ON h.provider = a.provider AND h.account_key = a.account_key
        """
    }

    /// A NIK is 16 ASCII digits (`[0-9]` is ASCII in PostgreSQL's regex whatever the locale).
    /// Digits and a length test, not '^[0-9]{16}$': counted repetitions cost PostgreSQL's regex
    /// engine about a microsecond a row.
    static func nikValid(_ column: String) -> String {
        "(\(column) ~ '^[0-9]+$' AND octet_length(\(column)) = 16)"
    }

    /// The order in which a registrant's accounts are tried for the one in force, after the
    /// caller's own first keys: the shared recency order (0051), then what settles a tie
    /// between two rows with the same account_id and linked_at (registry constraints are not
    /// trusted, SPEC §2: a row copied twice, then one copy changed). Without the tie-break the
    /// row in force was whichever the sort met first, which a plan or a table's physical order
    /// decided, so two nights over the same registry could pay one and hold the other (attack
    /// 28 F3). The row that pays less wins the tie: not active, not upgraded first; then every
    /// other column, so the choice is the same on every night and every plan. Every statement
    /// that picks the account in force sorts by this one expression, and the tie-break is the
    /// function the participant statement sorts by too (migration 0055).
    static func accountInForceOrder(_ alias: String) -> String {
        """
        \(SharedOrder.accountRecency(linkedAt: "\(alias).linked_at", accountID: "\(alias).account_id")),
        \(SharedOrder.accountTieBreak(alias))
        """
    }

    /// The number an account is paid to: an e-wallet's in its one canonical form (62…), the
    /// form the phone check compares and `account_numbers` keys; a bank account's as written.
    static func payableNumber(kind: String, accountNo: String) -> String {
        "CASE WHEN \(kind) = 'ewallet' THEN disbursement.normalize_phone(\(accountNo)) ELSE \(accountNo) END"
    }

    /// The channel kind the settings give an account's provider (the row's own `kind` only has
    /// to agree with it).
    static func channelKind(_ alias: String) -> String {
        """
        CASE WHEN \(alias).provider = ANY (\(bankChannels)::text[]) THEN 'bank'
             WHEN \(alias).provider = ANY (\(ewalletChannels)::text[]) THEN 'ewallet' END
        """
    }

    /// A registrant id the registry lists twice: which row's NIK and phone are true is unknown,
    /// so the person is held INVALID_NIK, once. Run only when building `personsIndex` found one.
    static let ambiguousPersons = [
        """
        UPDATE run_person SET nik_valid = false
         WHERE registrant_id IN (SELECT registrant_id FROM run_person GROUP BY registrant_id HAVING count(*) > 1)
        """,
        """
        DELETE FROM run_person a USING run_person b
         WHERE a.registrant_id = b.registrant_id AND a.ctid > b.ctid
        """,
    ]

    static let personsIndex = "ALTER TABLE run_person ADD PRIMARY KEY (registrant_id)"

    /// One decision per entitlement: the first hold reason that applies (SPEC §3 order), or
    /// none. Earlier attempts are joined as a set; the planner probes the payouts index when
    /// few entitlements are due and hashes when many are.
    static let decisions = """
        CREATE TEMP TABLE run_decision ON COMMIT DROP AS
        WITH history AS (
            SELECT x.registrant_id, x.kind, x.number,
                   -- An attempt whose batch was rejected before release was never sent (migration 0016).
                   count(*) FILTER (WHERE x.reason_code IS DISTINCT FROM 'BATCH_REJECTED') AS attempts,
                   max(x.attempt) AS last_attempt,
                   (array_agg(x.permanent ORDER BY x.attempt DESC))[1] AS last_permanent,
                   (array_agg(x.account_id ORDER BY x.attempt DESC))[1] AS last_account_id,
                   (array_agg(x.account_no ORDER BY x.attempt DESC))[1] AS last_account_no
              FROM disbursement.payouts x
              JOIN run_entitlement e USING (registrant_id, kind, number)
             GROUP BY x.registrant_id, x.kind, x.number
        )
        SELECT e.registrant_id, e.kind, e.number, e.amount, e.decree_no,
               p.full_name, p.account_id, p.account_no, p.account_name,
               CASE WHEN e.kind = 'TRAINING' THEN 'VA' ELSE coalesce(p.provider, '') END AS channel,
               coalesce(h.last_attempt, 0) + 1 AS attempt,
               CASE
                 -- First: money may have moved, so it stays visible whatever else applies.
                 WHEN c.registrant_id IS NOT NULL THEN 'STATUS_CONFLICT'
                 WHEN NOT m.approved THEN 'NOT_APPROVED'
                 WHEN m.decree_count > 1 THEN 'DUPLICATE_DECREE'
                 WHEN NOT e.decree_valid THEN 'INVALID_DECREE'
                 WHEN NOT \(registrantIDValid("e.registrant_id")) THEN 'INVALID_REGISTRANT_ID'
                 WHEN NOT p.nik_valid THEN 'INVALID_NIK'
                 WHEN p.nik_duplicate THEN 'DUPLICATE_NIK'
                 WHEN p.nik_reregistered THEN 'REREGISTERED_NIK'
                 WHEN e.kind <> 'TRAINING' AND e.completion_withdrawn THEN 'COMPLETION_WITHDRAWN'
                 WHEN e.kind <> 'TRAINING' AND p.account_id IS NULL THEN 'NO_LINKED_ACCOUNT'
                 WHEN e.kind <> 'TRAINING' AND p.account_status IS DISTINCT FROM 'active' THEN 'ACCOUNT_NOT_ACTIVE'
                 WHEN e.kind <> 'TRAINING' AND (p.account_kind IS NULL OR p.account_kind <> p.channel_kind) THEN 'ACCOUNT_KIND_MISMATCH'
                 WHEN e.kind <> 'TRAINING' AND p.channel_kind = 'ewallet' AND p.upgraded IS NOT TRUE THEN 'ACCOUNT_NOT_UPGRADED'
                 WHEN e.kind <> 'TRAINING' AND NOT p.owner_matches THEN 'ACCOUNT_OWNER_MISMATCH'
                 WHEN e.kind <> 'TRAINING' AND p.channel_kind = 'ewallet' AND NOT p.phone_matches THEN 'PHONE_MISMATCH'
                 WHEN e.kind <> 'TRAINING' AND p.account_shared THEN 'SHARED_ACCOUNT'
                 WHEN e.kind <> 'TRAINING' AND NOT p.account_no_valid THEN 'INVALID_ACCOUNT_NO'
                 WHEN e.kind <> 'TRAINING' AND (p.channel_kind IS NULL OR NOT (coalesce(p.provider, '') = ANY (\(channels))))
                      THEN 'UNSUPPORTED_CHANNEL'
                 WHEN e.kind = 'TRAINING' AND NOT ('VA' = ANY (\(channels))) THEN 'UNSUPPORTED_CHANNEL'
                 WHEN coalesce(h.attempts, 0) >= \(attemptLimit) THEN 'RETRY_LIMIT'
                 WHEN h.last_permanent
                      -- The same account with another number (SPEC §3) is a change: tried again.
                      AND (e.kind = 'TRAINING' OR (h.last_account_id IS NOT DISTINCT FROM p.account_id
                                                   AND h.last_account_no IS NOT DISTINCT FROM p.account_no))
                      THEN 'PERMANENT_FAILURE'
               END AS reason
          FROM run_entitlement e
          JOIN run_member m USING (registrant_id)
          JOIN run_person p USING (registrant_id)
          LEFT JOIN history h USING (registrant_id, kind, number)
          LEFT JOIN run_conflict c USING (registrant_id, kind, number)
         WHERE NOT e.expiring
        """

    /// Payable entitlements become payout attempts. The reference is derived from the
    /// entitlement and attempt, so it is unique and the same in a dry run.
    static let payouts = """
        INSERT INTO disbursement.payouts
            (registrant_id, kind, number, attempt, business_date, end_to_end_id, decree_no, channel,
             account_id, account_no, account_name, amount, va)
        SELECT d.registrant_id, d.kind, d.number, d.attempt, \(date),
               'PK-' || d.registrant_id || '-' || left(d.kind, 1) || d.number || '-' || d.attempt,
               d.decree_no, d.channel,
               CASE WHEN d.kind = 'TRAINING' THEN NULL ELSE d.account_id END,
               CASE WHEN d.kind = 'TRAINING' THEN v.va ELSE d.account_no END,
               coalesce(CASE WHEN d.kind = 'TRAINING' THEN d.full_name ELSE d.account_name END, ''),
               d.amount, v.va
          FROM run_decision d
          LEFT JOIN disbursement.virtual_accounts v USING (registrant_id)
         WHERE d.reason IS NULL
         -- In key order, the unique indexes grow at their right edge instead of being
         -- touched at random: fewer pages dirtied and written to the WAL.
         ORDER BY d.registrant_id, d.kind, d.number
        """

    /// The batch's payouts, all ISSUED, counted once per channel and kind into both records:
    /// the kept totals (migration 0006) and what the batch issued, recorded once (migration
    /// 0008), which the control total of `report summary` compares the payouts' statuses with.
    /// A data-modifying WITH runs exactly once, referenced or not.
    static let batchTotals = """
        WITH issued AS (
            SELECT channel, kind, count(*) AS payouts, sum(amount) AS amount
              FROM run_decision
             WHERE reason IS NULL
             GROUP BY channel, kind
        ), kept AS (
            INSERT INTO disbursement.payout_totals (business_date, channel, kind, status, payouts, amount)
            SELECT \(date), channel, kind, 'ISSUED', payouts, amount FROM issued
        )
        INSERT INTO disbursement.batch_issued (business_date, channel, kind, payouts, amount)
        SELECT \(date), channel, kind, payouts, amount FROM issued
        """

    /// A hold ends when its entitlement is no longer held for the same reason (paid, expired,
    /// or held for another reason, which starts a new hold).
    static let releaseHolds = """
        UPDATE disbursement.holds h SET released_on = \(date)
         WHERE h.released_on IS NULL
           AND NOT EXISTS (SELECT 1 FROM run_decision d
                            WHERE d.registrant_id = h.registrant_id AND d.kind = h.kind AND d.number = h.number
                              AND d.reason = h.reason)
           -- An unresolved conflict stays held even while a payout of it is live (ConflictHoldSQL).
           AND NOT (h.reason = 'STATUS_CONFLICT'
                    AND EXISTS (SELECT 1 FROM run_conflict c
                                 WHERE c.registrant_id = h.registrant_id AND c.kind = h.kind AND c.number = h.number))
        """

    static let newHolds = """
        INSERT INTO disbursement.holds (registrant_id, kind, number, held_since, reason, decree_no, amount)
        SELECT d.registrant_id, d.kind, d.number, \(date), d.reason, d.decree_no, d.amount
          FROM run_decision d
         WHERE d.reason IS NOT NULL
        -- The unique index on active holds answers "already held" row by row; an anti-join
        -- against the table being filled can degrade to rescanning it for every row.
        ON CONFLICT (registrant_id, kind, number) WHERE released_on IS NULL DO NOTHING
        """
}
