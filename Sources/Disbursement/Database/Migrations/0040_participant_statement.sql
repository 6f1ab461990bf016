-- Issue 19: the participant statement for the call centre ("why haven't I been paid?").
-- docs/design.md, "Participant statement (issue 19)".

-- Rules the night and the statement share. Each is one SQL expression without SET or SECURITY
-- DEFINER, so the planner inlines it where it is called (the night's plan is the one it had
-- when the expression was written out; a test checks the inlining).

-- A completion qualifies (SPEC §3): a certificate, a rating 1–5, a non-blank review, a date.
CREATE FUNCTION disbursement.completion_qualifies(certificate_no text, rating smallint, review text, completed_at timestamptz)
    RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(btrim(certificate_no), '') IS NOT NULL AND rating BETWEEN 1 AND 5
       AND nullif(btrim(review), '') IS NOT NULL AND completed_at IS NOT NULL
$$;

-- The Jakarta day of a registry timestamp, or NULL when it is not plausible: before 2000 or at
-- or after `horizon` (the first instant after the business date). The range is tested before the
-- conversion, in a CASE: AT TIME ZONE overflows near the end of the timestamptz range.
CREATE FUNCTION disbursement.jakarta_day(moment timestamptz, horizon timestamptz)
    RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN moment >= TIMESTAMPTZ '2000-01-01 00:00:00+07' AND moment < horizon
                THEN (moment AT TIME ZONE 'Asia/Jakarta')::date END
$$;

-- Masking as every report masks (SPEC §8): the last four characters, the rest as '*'.
CREATE FUNCTION disbursement.mask_last_four(p_value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT repeat('*', greatest(length(p_value) - 4, 0)) || right(p_value, 4)
$$;

-- "Siti Nur'aini" -> "S*** N*******" (Masking.name): enough to recognise, not to identify.
CREATE FUNCTION disbursement.mask_name(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT string_agg(left(w, 1) || repeat('*', length(w) - 1), ' ' ORDER BY n)
      FROM regexp_split_to_table(p_value, ' ') WITH ORDINALITY AS t (w, n)
     WHERE w <> ''
$$;

-- Any number of 8 digits or more in registry or channel text, its digits separated or not
-- ('6499 3082-4064.1392', a NIK put in a decree number or a provider), keeps only its last four
-- digits; separators stay. mask_digit_runs (0032) sees only unbroken runs.
CREATE FUNCTION disbursement.mask_numbers(p_value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
    result text := '';
    rest text := p_value;
    found text[];
    run text;
    digits int;
    seen int;
    ch text;
BEGIN
    IF p_value IS NULL THEN
        RETURN NULL;
    END IF;
    LOOP
        found := regexp_match(rest, '[0-9](?:[^0-9A-Za-z]{0,3}[0-9]){7,}');
        EXIT WHEN found IS NULL;
        run := found[1];
        digits := length(regexp_replace(run, '[^0-9]', '', 'g'));
        seen := 0;
        result := result || left(rest, strpos(rest, run) - 1);
        FOR i IN 1..length(run) LOOP
            ch := substr(run, i, 1);
            IF ch ~ '[0-9]' THEN
                seen := seen + 1;
                result := result || CASE WHEN seen > digits - 4 THEN ch ELSE '*' END;
            ELSE
                result := result || ch;
            END IF;
        END LOOP;
        rest := substr(rest, strpos(rest, run) + length(run));
    END LOOP;
    RETURN result || rest;
END $$;

-- Every lookup, found or not, kept for ever: who (the login), when (the server's clock), which
-- id (its shape and its last four characters, never the whole NIK or VA) and whom it found.
CREATE TABLE disbursement.statement_lookups (
    lookup_id           bigserial   PRIMARY KEY,
    looked_up_at        timestamptz NOT NULL,
    db_login            text        NOT NULL,
    -- 'nik_or_va': 16 digits a limited lookup did not look for (telling them apart is a lookup).
    id_kind             text        NOT NULL CHECK (id_kind IN ('registrant_id', 'nik', 'va', 'nik_or_va', 'malformed')),
    id_masked           text,
    registrant_id       bigint,
    outcome             text        NOT NULL CHECK (outcome IN ('found', 'not_found', 'ambiguous', 'malformed', 'limited')),
    -- The start of the transaction that recorded the lookup: the statement is handed out only in
    -- a later transaction, so a lookup rolled back (BEGIN … ROLLBACK) shows nothing.
    transaction_started timestamptz NOT NULL
);
CREATE INDEX statement_lookups_by_login ON disbursement.statement_lookups (db_login, looked_up_at);

-- The database's word, not the caller's: who, when, in which transaction.
CREATE FUNCTION disbursement.statement_lookups_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.db_login := session_user;
    NEW.looked_up_at := clock_timestamp();
    NEW.transaction_started := now();
    RETURN NEW;
END $$;
CREATE TRIGGER statement_lookups_stamp BEFORE INSERT ON disbursement.statement_lookups
    FOR EACH ROW EXECUTE FUNCTION disbursement.statement_lookups_stamp();

-- Append-only: no row changes or goes, whoever asks (the owner can drop the trigger, and that
-- is logged by the server as DDL).
CREATE FUNCTION disbursement.statement_lookups_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    RAISE EXCEPTION 'the record of statement lookups is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER statement_lookups_append_only BEFORE UPDATE OR DELETE ON disbursement.statement_lookups
    FOR EACH ROW EXECUTE FUNCTION disbursement.statement_lookups_guard();
CREATE TRIGGER statement_lookups_no_truncate BEFORE TRUNCATE ON disbursement.statement_lookups
    FOR EACH STATEMENT EXECUTE FUNCTION disbursement.statement_lookups_guard();

-- Step 1: one id, told apart by shape (spaces and dashes ignored): 16 digits are a VA when one of
-- ours has that number, else a NIK; 1 to 18 other digits a registrant id; anything else
-- (NULL, a pattern, a list) names nobody. A NIK that several registrants share names nobody
-- either: one call, one person. Recorded whatever it finds; returns the lookup's number.
CREATE FUNCTION disbursement.statement_request(p_id text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    typed text := translate(p_id, ' -', '');
    kind text := 'malformed';
    who bigint;
    matches int := 0;
    outcome text;
    limited boolean := false;
    id bigint;
BEGIN
    -- A call-centre login answers callers one at a time: more than 200 lookups in an hour is an
    -- export (or a search for which NIKs exist), not a queue. Recorded, and nothing is said,
    -- not even whether the id names someone: the limit is checked before any lookup, so not
    -- even the server's index statistics move. One login's lookups are counted one at a time
    -- (a transaction-level lock per login): parallel sessions, each uncommitted, could each
    -- count below the limit.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_support')
       AND pg_has_role(session_user, 'disburse_support', 'MEMBER')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        PERFORM pg_advisory_xact_lock(hashtext('disburse.statement_request'), hashtext(session_user));
        limited := (SELECT count(*) FROM disbursement.statement_lookups l
                     WHERE l.db_login = session_user AND l.looked_up_at > clock_timestamp() - interval '1 hour') >= 200;
    END IF;
    IF limited THEN
        kind := CASE WHEN typed ~ '^[0-9]+$' AND length(typed) = 16 THEN 'nik_or_va'
                     WHEN typed ~ '^[0-9]+$' AND length(typed) <= 18 THEN 'registrant_id' ELSE 'malformed' END;
    ELSIF typed ~ '^[0-9]+$' AND length(typed) = 16 THEN
        SELECT v.registrant_id INTO who FROM disbursement.virtual_accounts v WHERE v.va = typed;
        IF FOUND THEN
            kind := 'va';
            matches := 1;
            -- A registry NIK that reads like one of our VA numbers: which person is meant is
            -- not for the tool to guess.
            IF EXISTS (SELECT 1 FROM registry.registrants r WHERE r.nik = typed AND r.registrant_id IS DISTINCT FROM who) THEN
                matches := 2;
            END IF;
        ELSE
            kind := 'nik';
            SELECT count(DISTINCT r.registrant_id), min(r.registrant_id) INTO matches, who
              FROM (SELECT r.registrant_id FROM registry.registrants r WHERE r.nik = typed LIMIT 10) r;
        END IF;
    ELSIF typed ~ '^[0-9]+$' AND length(typed) <= 18 THEN
        kind := 'registrant_id';
        who := typed::bigint;
        -- Someone the registry lists, or who holds a number of ours after their row went.
        IF EXISTS (SELECT 1 FROM registry.registrants r WHERE r.registrant_id = who)
           OR EXISTS (SELECT 1 FROM disbursement.virtual_accounts v WHERE v.registrant_id = who)
           OR EXISTS (SELECT 1 FROM registry.decree_members m WHERE m.registrant_id = who) THEN
            matches := 1;
        END IF;
    END IF;
    outcome := CASE WHEN limited THEN 'limited' WHEN kind = 'malformed' THEN 'malformed' WHEN matches = 0 THEN 'not_found'
                    WHEN matches > 1 THEN 'ambiguous' ELSE 'found' END;
    -- The id as read (blanks and dashes dropped), so trailing blanks cannot hide its last four.
    INSERT INTO disbursement.statement_lookups (looked_up_at, db_login, id_kind, id_masked, registrant_id, outcome,
                                                transaction_started)
    VALUES (clock_timestamp(), session_user, kind, disbursement.mask_last_four(left(coalesce(typed, ''), 40)),
            CASE WHEN outcome = 'found' THEN who END, outcome, now())
    RETURNING lookup_id INTO id;
    RETURN id;
END
$$;

-- Step 2: the statement of a lookup this login recorded in an earlier, committed transaction
-- (within the last 10 minutes), as one JSON object, every identifying value masked. Decided
-- entitlements are the night's own records (payouts, holds, expiries); what no night has decided
-- yet is scheduled with the night's rules (completion_qualifies, jakarta_day, the decree and
-- first-completion choices of EligibilitySQL), for this one registrant, by index lookups.
CREATE FUNCTION disbursement.participant_statement(p_lookup bigint) RETURNS jsonb
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

    -- The decree whose scheme applies: the night's choice (EligibilitySQL.members), approved
    -- first, then the earliest issued, then by number.
    SELECT m.decree_no, m.status, d.* INTO decree
      FROM registry.decree_members m
      LEFT JOIN LATERAL (SELECT min(x.wave) AS wave, min(x.issued_on) AS issued_on, min(x.payable_until) AS payable_until,
                                min(x.training_amount) AS training_amount, min(x.incentive_amount) AS incentive_amount,
                                min(x.incentive_tranches) AS incentive_tranches,
                                min(x.incentive_interval_days) AS incentive_interval_days,
                                min(x.survey_amount) AS survey_amount, min(x.survey_count) AS survey_count
                           FROM registry.decrees x WHERE x.decree_no = m.decree_no) d ON true
     WHERE m.registrant_id = rid
       -- In force as the night sees it: issued by the date, or the member holds a number of ours.
       AND (d.issued_on IS NULL OR d.issued_on <= greatest(night, today)
            OR EXISTS (SELECT 1 FROM disbursement.virtual_accounts v WHERE v.registrant_id = rid))
     ORDER BY (m.status = 'approved') DESC NULLS LAST, d.issued_on, m.decree_no
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
       AND disbursement.jakarta_day(c.completed_at, horizon) >= coalesce(decree.issued_on, DATE '2000-01-01');
    first_on := least(kept, registry_first);

    WITH schedule AS (
        SELECT 'TRAINING'::text AS kind, 1 AS number, decree.training_amount AS amount, va.issued_on AS due_on
         WHERE NOT invalid_decree AND (va.va IS NOT NULL OR decree.status = 'approved')
        UNION ALL
        -- An interval outside 0..3,660 days reads as 0, as the night reads it (EligibilitySQL.schemes).
        SELECT 'INCENTIVE', n, decree.incentive_amount,
               first_on + (n - 1) * CASE WHEN decree.incentive_interval_days BETWEEN 0 AND 3660 THEN decree.incentive_interval_days ELSE 0 END
          FROM generate_series(1, least(greatest(decree.incentive_tranches, 0), 120)) AS n
         WHERE NOT invalid_decree AND first_on IS NOT NULL
        UNION ALL
        SELECT 'SURVEY', s.survey_no, decree.survey_amount, greatest(min(disbursement.jakarta_day(s.submitted_at, horizon)), first_on)
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
                     WHERE a.registrant_id = rid AND a.status IS DISTINCT FROM 'closed'
                     -- The account in force (EligibilitySQL.persons): the most recently linked not closed.
                     ORDER BY a.linked_at DESC NULLS LAST, a.account_id DESC LIMIT 1),
        'entitlements', coalesce(result, '[]'));
END
$$;

REVOKE ALL ON FUNCTION disbursement.statement_request(text), disbursement.participant_statement(bigint) FROM PUBLIC;
REVOKE ALL ON TABLE disbursement.statement_lookups FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_support') THEN
        GRANT EXECUTE ON FUNCTION disbursement.statement_request(text), disbursement.participant_statement(bigint)
            TO disburse_support;
    END IF;
    -- Default privileges from an earlier roles.sql gave the job SELECT, INSERT and UPDATE on the
    -- new table and its sequence: nobody but the functions above writes the record, and only
    -- the owner reads it.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON disbursement.statement_lookups FROM disburse_job;
        REVOKE ALL ON SEQUENCE disbursement.statement_lookups_lookup_id_seq FROM disburse_job;
    END IF;
END $$;
