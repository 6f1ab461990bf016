-- A batch's payouts reach a channel at most once, whatever the file form or name (attack 17,
-- F15 and F3).

-- The first business date each channel is delivered over SFTP, recorded once by
-- `disburse deliver --from DATE`: the batches before it were carried by hand and are never sent.
CREATE TABLE disbursement.delivery_starts (
    channel     text        PRIMARY KEY,
    first_date  date        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    run_id      bigint      NOT NULL
);

-- A rejected batch is never started, and one form per batch and channel: a file of another form (another extension) than one already
-- prepared, sending or sent for the same batch and channel is refused, so a channel whose
-- format setting changed never gets the same payouts twice.
CREATE FUNCTION disbursement.deliveries_one_form() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    -- A batch rejected while a deliver was reading it is not started (decide_batch locks the
    -- table, so one of the two waits for the other).
    IF EXISTS (SELECT 1 FROM disbursement.batch_decisions b
                WHERE b.business_date = NEW.business_date AND b.decision = 'REJECTED') THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'the batch of ' || NEW.business_date || ' was rejected';
    END IF;
    IF EXISTS (SELECT 1 FROM disbursement.deliveries d
                WHERE d.business_date = NEW.business_date AND d.channel = NEW.channel
                  AND substring(d.file_name FROM '\.[^.]*$') IS DISTINCT FROM substring(NEW.file_name FROM '\.[^.]*$')) THEN
        RAISE EXCEPTION USING ERRCODE = '23505',
            MESSAGE = 'channel ' || NEW.channel || ' already has the batch of ' || NEW.business_date || ' in another form';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER deliveries_one_form BEFORE INSERT ON disbursement.deliveries
    FOR EACH ROW EXECUTE FUNCTION disbursement.deliveries_one_form();

-- decide_batch as in 0016, and a batch whose delivery has started (any deliveries row: a
-- RENAMING file may already be at the bank) can no longer be rejected (55000).
CREATE OR REPLACE FUNCTION disbursement.decide_batch(p_date date, p_decision text, p_manifest text, p_reason text)
RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    recorded text;
    maker    text;
    earlier  text;
    decided  timestamptz;
BEGIN
    IF p_decision NOT IN ('APPROVED', 'REJECTED') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'decision must be APPROVED or REJECTED';
    END IF;
    SELECT b.manifest_sha256, coalesce(r.db_login, r.db_user) INTO recorded, maker
      FROM disbursement.batches b
      LEFT JOIN disbursement.run_log r ON r.run_id = b.run_id
     WHERE b.business_date = p_date
       FOR UPDATE OF b;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'no batch for ' || p_date;
    END IF;
    IF recorded IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'the files of the batch are not written yet';
    END IF;
    SELECT d.decision INTO earlier FROM disbursement.batch_decisions d WHERE d.business_date = p_date;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'the batch was ' || lower(earlier) || ' already';
    END IF;
    IF p_manifest IS DISTINCT FROM recorded THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'the manifest hash given is not the batch''s';
    END IF;
    IF maker IS NULL OR maker = session_user THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'the login that made the batch cannot decide it';
    END IF;
    IF p_decision = 'REJECTED' THEN
        -- The deliveries lock keeps a deliver from starting between this check and the update.
        LOCK TABLE disbursement.deliveries IN SHARE MODE;
        IF EXISTS (SELECT 1 FROM disbursement.deliveries d WHERE d.business_date = p_date) THEN
            RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'the batch is being delivered or was delivered to a channel';
        END IF;
        IF EXISTS (SELECT 1 FROM disbursement.payouts p WHERE p.business_date = p_date AND p.status <> 'ISSUED') THEN
            RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'a channel has answered for payouts of the batch';
        END IF;
        INSERT INTO disbursement.payout_totals AS t (business_date, channel, kind, status, payouts, amount)
        SELECT p_date, p.channel, p.kind, s.status, s.sign * count(*), s.sign * sum(p.amount)
          FROM disbursement.payouts p
         CROSS JOIN (VALUES ('ISSUED', -1), ('FAILED', 1)) AS s (status, sign)
         WHERE p.business_date = p_date AND p.status = 'ISSUED'
         GROUP BY p.channel, p.kind, s.status, s.sign
        ON CONFLICT (business_date, channel, kind, status)
        DO UPDATE SET payouts = t.payouts + excluded.payouts, amount = t.amount + excluded.amount;
        UPDATE disbursement.payouts p
           SET status = 'FAILED', reason_code = 'BATCH_REJECTED', status_at = clock_timestamp()
         WHERE p.business_date = p_date AND p.status = 'ISSUED';
    END IF;
    INSERT INTO disbursement.batch_decisions (business_date, decision, manifest_sha256, decided_by, reason)
    VALUES (p_date, p_decision, p_manifest, session_user, nullif(btrim(p_reason), ''))
    RETURNING decided_at INTO decided;
    RETURN decided;
END
$$;
REVOKE ALL ON FUNCTION disbursement.decide_batch(date, text, text, text) FROM PUBLIC;
