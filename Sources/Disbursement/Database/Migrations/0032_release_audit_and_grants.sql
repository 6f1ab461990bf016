-- Safe to run again (the role tests re-run it after simulating an older order of setup).

-- F25: on a database where sql/roles.sql ran before the release migrations, its default
-- privileges gave the job INSERT and UPDATE on every table those migrations created. The job
-- must never write a decision, the release policy, nor move a channel's first date.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON disbursement.batch_decisions, disbursement.release_policy
            FROM disburse_job;
        REVOKE UPDATE, DELETE, TRUNCATE ON disbursement.delivery_starts FROM disburse_job;
    END IF;
END $$;

-- F14: approve and reject, decided or refused, are runs like any other: recorded in the run log
-- by this function (the approver has no grant on run_log), stamped with the caller's login. The
-- job may call it too, so that the maker trying to decide its own batch leaves a trace; a
-- success is recorded only for a decision this login has made, so none can be forged.
-- A reason keeps no long number (a NIK typed in): digit runs of 8 or more keep their last four.
CREATE OR REPLACE FUNCTION disbursement.log_release(
    p_command text, p_arguments text[], p_date date, p_os_user text, p_host text, p_pid int, p_version text,
    p_exit int, p_message text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    id bigint;
BEGIN
    IF p_command NOT IN ('approve', 'reject') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'only approve and reject are recorded here';
    END IF;
    IF p_exit = 0 AND NOT EXISTS (SELECT 1 FROM disbursement.batch_decisions d
                                   WHERE d.business_date = p_date AND d.decided_by = session_user) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'no decision of this login to record';
    END IF;
    INSERT INTO disbursement.run_log (command, arguments, business_date, dry_run, os_user, host, pid, tool_version)
    VALUES (p_command, coalesce((SELECT array_agg(disbursement.mask_digit_runs(a)) FROM unnest(p_arguments) a), '{}'),
            p_date, false, coalesce(p_os_user, '?'), coalesce(p_host, '?'), coalesce(p_pid, 0), coalesce(p_version, '?'))
    RETURNING run_id INTO id;
    UPDATE disbursement.run_log
       SET outcome = CASE WHEN p_exit = 0 THEN 'succeeded' ELSE 'refused' END, exit_code = p_exit,
           message = disbursement.mask_digit_runs(left(p_message, 1000))
     WHERE run_id = id;
    RETURN id;
END
$$;

CREATE OR REPLACE FUNCTION disbursement.mask_digit_runs(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT string_agg(CASE WHEN m[1] ~ '^[0-9]{8,}$' THEN '…' || right(m[1], 4) ELSE m[1] END, '' ORDER BY n)
      FROM regexp_matches(p_text, '([0-9]+|[^0-9]+)', 'g') WITH ORDINALITY AS t (m, n)
$$;

-- A rejection reason is stored masked, whoever calls decide_batch.
CREATE OR REPLACE FUNCTION disbursement.batch_decisions_mask() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.reason := disbursement.mask_digit_runs(NEW.reason);
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS batch_decisions_mask ON disbursement.batch_decisions;
CREATE TRIGGER batch_decisions_mask BEFORE INSERT ON disbursement.batch_decisions
    FOR EACH ROW EXECUTE FUNCTION disbursement.batch_decisions_mask();

REVOKE ALL ON FUNCTION disbursement.log_release(text, text[], date, text, text, int, text, int, text) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_approver') THEN
        GRANT EXECUTE ON FUNCTION disbursement.log_release(text, text[], date, text, text, int, text, int, text)
            TO disburse_approver;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        GRANT EXECUTE ON FUNCTION disbursement.log_release(text, text[], date, text, text, int, text, int, text)
            TO disburse_job;
    END IF;
END $$;

-- F6: a file read back from its `.part` is UPLOADED; RENAMING is recorded only just before the
-- rename is sent, so a `.part` that vanished before it is uploaded again, not taken as delivered.
ALTER TABLE disbursement.deliveries DROP CONSTRAINT IF EXISTS deliveries_state_check;
ALTER TABLE disbursement.deliveries ADD CONSTRAINT deliveries_state_check
    CHECK (state IN ('PREPARED', 'UPLOADED', 'RENAMING', 'DELIVERED'));
