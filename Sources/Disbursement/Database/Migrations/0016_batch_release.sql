-- Four eyes before money leaves (maker-checker): a batch made by the night is released to its
-- channels only after another database login has looked at its totals and its manifest hash
-- and approved it, or it is rejected and its entitlements are paid by a later batch.

-- The login that ran a command, beside the role it ran as (db_user is current_user, which a
-- SET ROLE changes): the approver must be another login than the one that made the batch.
ALTER TABLE disbursement.run_log ADD COLUMN db_login text DEFAULT session_user;

-- One decision per batch, never changed: approved or rejected, by whom, when, and the
-- manifest hash the decision was taken on.
CREATE TABLE disbursement.batch_decisions (
    business_date   date        PRIMARY KEY,
    decision        text        NOT NULL CHECK (decision IN ('APPROVED', 'REJECTED')),
    manifest_sha256 text        NOT NULL,
    decided_by      text        NOT NULL,
    decided_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    reason          text,
    CHECK (decision = 'APPROVED' OR nullif(btrim(reason), '') IS NOT NULL)
);

-- What an approver sees of a batch: totals per channel and kind, the manifest hash, who made
-- it and any decision. SECURITY DEFINER so the approver role needs no grant on the tables
-- (no participant, NIK or account number is in the result).
CREATE FUNCTION disbursement.batch_for_release(p_date date)
RETURNS TABLE (channel text, kind text, payouts bigint, amount numeric, manifest_sha256 text, made_by text,
               made_at timestamptz, decision text, decided_by text, decided_at timestamptz, reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.channel, t.kind, sum(t.payouts)::bigint, sum(t.amount)::numeric, b.manifest_sha256,
           coalesce(r.db_login, r.db_user), b.created_at, d.decision, d.decided_by, d.decided_at, d.reason
      FROM disbursement.batches b
      LEFT JOIN disbursement.run_log r ON r.run_id = b.run_id
      LEFT JOIN disbursement.batch_decisions d ON d.business_date = b.business_date
      LEFT JOIN disbursement.payout_totals t ON t.business_date = b.business_date
     WHERE b.business_date = p_date
     GROUP BY t.channel, t.kind, b.manifest_sha256, r.db_login, r.db_user, b.created_at, d.decision, d.decided_by,
              d.decided_at, d.reason
     ORDER BY t.channel COLLATE "C", t.kind COLLATE "C"
$$;

-- Records a decision, checked here and not only in the tool, so a login with nothing but
-- EXECUTE on this function cannot get around a rule:
--   P0002  no batch for the date
--   55000  the batch's files are not written yet, it was decided already, or (reject) a
--          channel has answered for it
--   22023  the manifest hash given is not the batch's (the approver saw something else)
--   42501  the login that made the batch cannot decide it
-- A rejected batch's payouts become FAILED with reason BATCH_REJECTED, never sent: their
-- entitlements are due again the next night with a new attempt (SPEC §3, like a failure the
-- channel reports, except that the rejected attempt does not count towards the attempt limit).
CREATE FUNCTION disbursement.decide_batch(p_date date, p_decision text, p_manifest text, p_reason text)
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
        IF EXISTS (SELECT 1 FROM disbursement.payouts p WHERE p.business_date = p_date AND p.status <> 'ISSUED') THEN
            RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'a channel has answered for payouts of the batch';
        END IF;
        -- The kept totals (migration 0006) move with the payouts, in the same transaction.
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

REVOKE ALL ON FUNCTION disbursement.batch_for_release(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION disbursement.decide_batch(date, text, text, text) FROM PUBLIC;
