-- Two account rows of one registrant with the same account_id and linked_at (registry
-- constraints are not trusted, SPEC §2: a row copied twice, then one copy changed) were settled
-- by the night with the row that pays less (attack 28 F3), but the participant statement (0051)
-- took whichever row its LIMIT 1 met first: it could show the active copy of an account the
-- night held ACCOUNT_NOT_ACTIVE. The tie-break is now one function both call
-- (EligibilitySQL.accountInForceOrder, and the statement below, otherwise 0051's): not active
-- first, then not upgraded, then every other column, all ascending, NULLs last, as a record
-- compares them.
CREATE TYPE disbursement.account_tie_key AS (
    active       boolean,
    status       text,
    upgraded     boolean,
    provider     text,
    kind         text,
    account_no   text,
    owner_nik    text,
    account_name text,
    updated_at   timestamptz
);
CREATE FUNCTION disbursement.account_tie_break(status text, upgraded boolean, provider text, kind text, account_no text,
                                               owner_nik text, account_name text, updated_at timestamptz)
    RETURNS disbursement.account_tie_key LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ROW(status IS NOT DISTINCT FROM 'active', status, upgraded IS TRUE, provider, kind, account_no,
               owner_nik, account_name, updated_at)::disbursement.account_tie_key
$$;

-- Only the night (the job) and the statement's function (their owner) call it; roles.sql grants
-- it to the job as well, for a database whose roles come later.
REVOKE ALL ON FUNCTION disbursement.account_tie_break(text, boolean, text, text, text, text, text, timestamptz) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        GRANT EXECUTE ON FUNCTION disbursement.account_tie_break(text, boolean, text, text, text, text, text, timestamptz)
            TO disburse_job;
    END IF;
END $$;

-- The statement of 0051, unchanged but for the account's tie-break, by the columns it shows.
CREATE OR REPLACE FUNCTION disbursement.participant_statement(p_lookup bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    l disbursement.statement_lookups;
    rid bigint;
    night date;
    today date := (now() AT TIME ZONE 'Asia/Jakarta')::date;
    horizon timestamptz;
    decree record;
    invalid_decree boolean;
    va record;
    kept date;
    registry_first date;
    first_on date;
    result jsonb;
BEGIN
    SELECT * INTO l FROM disbursement.statement_lookups x
     WHERE x.lookup_id = p_lookup AND x.db_login = session_user AND x.transaction_started <> now()
       AND x.looked_up_at > clock_timestamp() - interval '10 minutes';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no recorded lookup % of this login: call disbursement.statement_request first, in its own transaction', p_lookup
            USING ERRCODE = '42501';
    END IF;
    IF l.outcome <> 'found' THEN
        RETURN jsonb_build_object('outcome', l.outcome, 'id_kind', l.id_kind, 'id_masked', l.id_masked);
    END IF;
    rid := l.registrant_id;
    SELECT max(b.business_date) INTO night FROM disbursement.batches b;
    horizon := (greatest(night, today) + 1)::timestamp AT TIME ZONE 'Asia/Jakarta';

    -- The decree whose scheme applies: the night's choice (EligibilitySQL.members).
    SELECT m.decree_no, m.status, d.* INTO decree
      FROM registry.decree_members m
      LEFT JOIN LATERAL (SELECT min(x.wave) AS wave, min(x.issued_on) AS issued_on, min(x.payable_until) AS payable_until,
                                min(x.training_amount) AS training_amount, min(x.incentive_amount) AS incentive_amount,
                                min(x.incentive_tranches) AS incentive_tranches,
                                min(x.incentive_interval_days) AS incentive_interval_days,
                                min(x.survey_amount) AS survey_amount, min(x.survey_count) AS survey_count
                           FROM registry.decrees x WHERE x.decree_no = m.decree_no) d ON true
     WHERE m.registrant_id = rid
       AND disbursement.decree_in_force(d.issued_on, greatest(night, today),
                                        EXISTS (SELECT 1 FROM disbursement.virtual_accounts v WHERE v.registrant_id = rid))
     ORDER BY disbursement.decree_precedence(m.status, d.issued_on, m.decree_no)
     LIMIT 1;
    -- A decree the night cannot pay as written holds its members INVALID_DECREE: its schedule
    -- is not known until it is corrected, so only what the night recorded is shown.
    invalid_decree := decree.decree_no IS NULL OR decree.issued_on IS NULL
        -- Read through this registrant's active holds (holds_one_active), never the index by
        -- reason, which a whole decree held tonight would fill.
        OR coalesce((SELECT bool_or(h.reason = 'INVALID_DECREE') FROM disbursement.holds h
                      WHERE h.registrant_id = rid AND h.released_on IS NULL), false);
    SELECT v.va, v.issued_on INTO va FROM disbursement.virtual_accounts v WHERE v.registrant_id = rid;
    SELECT k.first_on INTO kept FROM disbursement.first_completions k WHERE k.registrant_id = rid;
    SELECT min(disbursement.jakarta_day(c.completed_at, horizon)) INTO registry_first
      FROM registry.training_completions c
     WHERE c.registrant_id = rid
       AND disbursement.completion_qualifies(c.certificate_no, c.rating, c.review, c.completed_at)
       AND disbursement.completion_within_decree(disbursement.jakarta_day(c.completed_at, horizon), decree.issued_on);
    first_on := disbursement.first_qualifying_day(registry_first, kept);

    WITH schedule AS (
        -- Before its VA exists the training credit has no day yet (the night that issues the VA pays it).
        SELECT 'TRAINING'::text AS kind, 1 AS number, decree.training_amount AS amount,
               disbursement.training_due(va.issued_on, NULL) AS due_on
         WHERE NOT invalid_decree AND (va.va IS NOT NULL OR decree.status = 'approved')
        UNION ALL
        SELECT 'INCENTIVE', n, decree.incentive_amount,
               disbursement.incentive_due(first_on, n, disbursement.incentive_interval(decree.incentive_interval_days))
          FROM generate_series(1, least(greatest(decree.incentive_tranches, 0), 120)) AS n
         WHERE NOT invalid_decree AND first_on IS NOT NULL
        UNION ALL
        SELECT 'SURVEY', s.survey_no, decree.survey_amount,
               disbursement.survey_due(min(disbursement.jakarta_day(s.submitted_at, horizon)), first_on)
          FROM registry.survey_responses s
         WHERE s.registrant_id = rid AND NOT invalid_decree AND first_on IS NOT NULL
           AND s.survey_no BETWEEN 1 AND least(greatest(decree.survey_count, 0), 120)
           AND disbursement.jakarta_day(s.submitted_at, horizon) IS NOT NULL
         GROUP BY s.survey_no
    ), attempt AS (
        -- The live attempt when there is one, else the last.
        SELECT DISTINCT ON (p.kind, p.number) p.kind, p.number, p.attempt, p.status, p.channel, p.amount, p.business_date,
               disbursement.jakarta_day(p.status_at, horizon) AS status_on, p.reason_code
          FROM disbursement.payouts p WHERE p.registrant_id = rid
         ORDER BY p.kind, p.number, p.live DESC, p.attempt DESC
    ), hold AS (
        SELECT h.kind, h.number, h.reason, h.held_since, h.amount
          FROM disbursement.holds h WHERE h.registrant_id = rid AND h.released_on IS NULL
    ), expiry AS (
        SELECT x.kind, x.number, x.expired_on, x.amount FROM disbursement.expired x WHERE x.registrant_id = rid
    ), entitlement AS (
        SELECT kind, number FROM schedule UNION SELECT kind, number FROM attempt
        UNION SELECT kind, number FROM hold UNION SELECT kind, number FROM expiry
    )
    SELECT jsonb_agg(jsonb_build_object(
               'kind', e.kind, 'number', e.number,
               'amount', coalesce(x.amount, h.amount, a.amount, s.amount),
               'due_on', s.due_on,
               -- The order of the night's proof per decree: expired, held, paid or in flight, awaiting retry.
               'state', CASE WHEN x.kind IS NOT NULL THEN 'expired'
                             WHEN h.kind IS NOT NULL THEN 'held'
                             WHEN a.status = 'PAID' THEN 'paid'
                             WHEN a.status IN ('ISSUED', 'PENDING') THEN 'in_flight'
                             WHEN a.status IS NOT NULL THEN 'awaiting_retry'
                             -- Past payable_until: the next night records it expired.
                             WHEN decree.payable_until < greatest(night, today) THEN 'expiring'
                             WHEN s.due_on IS NULL OR s.due_on > today THEN 'not_yet_due'
                             -- Due, and no night has decided it yet: the next one will.
                             ELSE 'due' END,
               'reason', h.reason, 'held_since', h.held_since, 'expired_on', x.expired_on,
               'channel', a.channel, 'attempt', a.attempt, 'payout_status', a.status, 'sent_on', a.business_date,
               'paid_on', CASE WHEN a.status = 'PAID' THEN coalesce(a.status_on, a.business_date) END,
               'failure_code', disbursement.mask_numbers(left(a.reason_code, 35)),
               'next_attempt', CASE WHEN a.status IN ('FAILED', 'RETURNED') THEN a.attempt + 1 END)
             ORDER BY array_position(ARRAY['TRAINING', 'INCENTIVE', 'SURVEY'], e.kind), e.number)
      INTO result
      FROM entitlement e
      LEFT JOIN schedule s USING (kind, number)
      LEFT JOIN attempt a USING (kind, number)
      LEFT JOIN hold h USING (kind, number)
      LEFT JOIN expiry x USING (kind, number);

    RETURN jsonb_build_object(
        'outcome', 'found', 'id_kind', l.id_kind, 'id_masked', l.id_masked, 'registrant_id', rid,
        'as_of_night', night, 'today', today,
        'person', (SELECT jsonb_build_object('name', disbursement.mask_name(left(min(r.full_name), 200)),
                                             'nik', disbursement.mask_last_four(min(r.nik)),
                                             'phone', disbursement.mask_last_four(min(r.phone)),
                                             'registry_rows', count(*))
                     FROM registry.registrants r WHERE r.registrant_id = rid),
        'memberships', coalesce((
            SELECT jsonb_agg(jsonb_build_object('decree_no', disbursement.mask_numbers(left(m.decree_no, 60)),
                                                'wave', d.wave, 'issued_on', d.issued_on,
                                                'status', disbursement.mask_numbers(left(m.status, 40)),
                                                'changed_on', disbursement.jakarta_day(m.changed_at, horizon))
                             ORDER BY d.issued_on, m.decree_no)
              FROM registry.decree_members m
              LEFT JOIN LATERAL (SELECT min(x.wave) AS wave, min(x.issued_on) AS issued_on
                                   FROM registry.decrees x WHERE x.decree_no = m.decree_no) d ON true
             WHERE m.registrant_id = rid), '[]'),
        'decree', CASE WHEN decree.decree_no IS NOT NULL THEN jsonb_build_object(
                      'decree_no', disbursement.mask_numbers(left(decree.decree_no, 60)), 'wave', decree.wave,
                      'issued_on', decree.issued_on, 'payable_until', decree.payable_until,
                      'status', disbursement.mask_numbers(left(decree.status, 40)), 'payable_as_written', NOT invalid_decree) END,
        'va', CASE WHEN va.va IS NOT NULL THEN jsonb_build_object('number', disbursement.mask_last_four(va.va),
                                                                   'issued_on', va.issued_on) END,
        'training', jsonb_build_object(
            'counted_from', first_on, 'kept_by_night', kept,
            'completions', coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                           'completed_on', disbursement.jakarta_day(c.completed_at, horizon),
                           'qualifies', coalesce(disbursement.completion_qualifies(c.certificate_no, c.rating, c.review, c.completed_at)
                                                 AND disbursement.jakarta_day(c.completed_at, horizon) IS NOT NULL, false),
                           -- Why it does not count, for the clerk: the first missing piece.
                           'missing', CASE WHEN c.completed_at IS NULL THEN 'date'
                                           WHEN nullif(btrim(c.certificate_no), '') IS NULL THEN 'certificate'
                                           WHEN c.rating IS NULL OR c.rating NOT BETWEEN 1 AND 5 THEN 'rating'
                                           WHEN nullif(btrim(c.review), '') IS NULL THEN 'review'
                                           WHEN disbursement.jakarta_day(c.completed_at, horizon) IS NULL THEN 'date' END)
                           ORDER BY c.completed_at NULLS LAST)
                  FROM (SELECT c.completed_at, c.certificate_no, c.rating, c.review
                          FROM registry.training_completions c WHERE c.registrant_id = rid
                         ORDER BY c.completed_at NULLS LAST LIMIT 50) c), '[]')),
        'account', (SELECT jsonb_build_object('provider', disbursement.mask_numbers(left(a.provider, 20)),
                                              'kind', disbursement.mask_numbers(left(a.kind, 20)),
                                              'upgraded', a.upgraded,
                                              'status', disbursement.mask_numbers(left(a.status, 20)),
                                              'number', disbursement.mask_last_four(a.account_no),
                                              'linked_on', disbursement.jakarta_day(a.linked_at, horizon))
                      FROM registry.payout_accounts a
                     -- The account in force (EligibilitySQL.persons).
                     WHERE a.registrant_id = rid AND disbursement.account_may_be_in_force(a.status)
                     -- The owner may not read owner_nik, account_name or updated_at (roles.sql):
                     -- rows that tie on everything before them show the same provider, kind,
                     -- upgraded, status, number and day here, whichever of them is taken.
                     ORDER BY disbursement.account_recency(a.linked_at, a.account_id) DESC,
                              disbursement.account_tie_break(a.status, a.upgraded, a.provider, a.kind, a.account_no,
                                                             NULL, NULL, NULL)
                     LIMIT 1),
        'entitlements', coalesce(result, '[]'));
END
$$;
