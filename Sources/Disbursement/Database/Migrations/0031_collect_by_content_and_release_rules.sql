-- Status files are known by their bytes, not their names (attack 17, F17): a channel that
-- reuses an outbox name (`status.xml` every day) has each new file fetched, checked and
-- imported, and the record of the earlier one under that name is kept beside it.
ALTER TABLE disbursement.collected_files DROP CONSTRAINT collected_files_pkey;
ALTER TABLE disbursement.collected_files ADD PRIMARY KEY (channel, remote_name, sha256);

-- Four eyes is the database's rule, not a setting of whoever runs `deliver` (F20): one row, only
-- the owner (a DBA) changes it. 'required': a file of a batch is recorded for delivery only once
-- the batch is APPROVED with the manifest hash it has; 'none': every batch not rejected.
CREATE TABLE disbursement.release_policy (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    approval text    NOT NULL CHECK (approval IN ('required', 'none'))
);
INSERT INTO disbursement.release_policy (approval) VALUES ('required');

CREATE FUNCTION disbursement.deliveries_released() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF coalesce((SELECT approval FROM disbursement.release_policy), 'required') <> 'none' AND NOT EXISTS (
        SELECT 1 FROM disbursement.batch_decisions d
          JOIN disbursement.batches b ON b.business_date = d.business_date
         WHERE d.business_date = NEW.business_date AND d.decision = 'APPROVED' AND d.manifest_sha256 = b.manifest_sha256)
    THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'the batch of ' || NEW.business_date || ' is not approved, and the database requires approval';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER deliveries_released BEFORE INSERT ON disbursement.deliveries
    FOR EACH ROW EXECUTE FUNCTION disbursement.deliveries_released();

-- What an approver sees is summed from the batch's payouts, whose channel, kind and amount the
-- job cannot change (F2), not from the kept totals, which the job may rewrite (`--recount`).
CREATE OR REPLACE FUNCTION disbursement.batch_for_release(p_date date)
RETURNS TABLE (channel text, kind text, payouts bigint, amount numeric, manifest_sha256 text, made_by text,
               made_at timestamptz, decision text, decided_by text, decided_at timestamptz, reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.channel, t.kind, t.payouts, t.amount, b.manifest_sha256,
           coalesce(r.db_login, r.db_user), b.created_at, d.decision, d.decided_by, d.decided_at, d.reason
      FROM disbursement.batches b
      LEFT JOIN disbursement.run_log r ON r.run_id = b.run_id
      LEFT JOIN disbursement.batch_decisions d ON d.business_date = b.business_date
      LEFT JOIN (SELECT p.channel, p.kind, count(*)::bigint AS payouts, sum(p.amount)::numeric AS amount
                   FROM disbursement.payouts p
                  WHERE p.business_date = p_date
                  GROUP BY p.channel, p.kind) t ON true
     WHERE b.business_date = p_date
     ORDER BY t.channel COLLATE "C", t.kind COLLATE "C"
$$;
REVOKE ALL ON FUNCTION disbursement.batch_for_release(date) FROM PUBLIC;
