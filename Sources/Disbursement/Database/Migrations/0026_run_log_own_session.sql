-- A run's outcome is recorded by the database session that opened it, and by no other
-- (finding N4: the job could finish another session's run while it was still running). Each
-- row is stamped with its server process and that process's start time, which together name
-- one session for ever (a process id alone is reused) and which no client can choose.
-- Another session may only mark a run `abandoned`, and only once the session that opened it has
-- ended (a killed or lost run): the next run does so (RunLog.start).
ALTER TABLE disbursement.run_log
    ADD COLUMN backend_pid   int,
    ADD COLUMN backend_start timestamptz;

DO $$
DECLARE
    name text;
BEGIN
    SELECT c.conname INTO name FROM pg_constraint c
     WHERE c.conrelid = 'disbursement.run_log'::regclass AND c.contype = 'c'
       AND pg_get_constraintdef(c.oid) LIKE '%outcome%';
    IF name IS NOT NULL THEN
        EXECUTE format('ALTER TABLE disbursement.run_log DROP CONSTRAINT %I', name);
    END IF;
END $$;
ALTER TABLE disbursement.run_log ADD CONSTRAINT run_log_outcome_check
    CHECK (outcome IN ('running', 'succeeded', 'failed', 'refused', 'abandoned'));

-- What the next run looks through for abandoned rows: the few unfinished ones.
CREATE INDEX run_log_unfinished ON disbursement.run_log (run_id) WHERE finished_at IS NULL;

CREATE OR REPLACE FUNCTION disbursement.run_log_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.db_user := current_user;
    NEW.db_login := session_user;
    NEW.backend_pid := pg_backend_pid();
    -- A session always sees its own row of pg_stat_activity, whatever its privileges.
    NEW.backend_start := (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid());
    NEW.started_at := clock_timestamp();
    NEW.finished_at := NULL;
    NEW.outcome := 'running';
    NEW.exit_code := NULL;
    NEW.message := NULL;
    NEW.counts := '{}'::jsonb;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION disbursement.run_log_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF OLD.finished_at IS NOT NULL THEN
        RAISE EXCEPTION 'run % is finished and its record cannot change', OLD.run_id USING ERRCODE = '42501';
    END IF;
    IF (NEW.run_id, NEW.command, NEW.arguments, NEW.business_date, NEW.dry_run, NEW.db_user, NEW.db_login, NEW.os_user,
        NEW.host, NEW.pid, NEW.tool_version, NEW.started_at, NEW.backend_pid, NEW.backend_start)
       IS DISTINCT FROM
       (OLD.run_id, OLD.command, OLD.arguments, OLD.business_date, OLD.dry_run, OLD.db_user, OLD.db_login, OLD.os_user,
        OLD.host, OLD.pid, OLD.tool_version, OLD.started_at, OLD.backend_pid, OLD.backend_start) THEN
        RAISE EXCEPTION 'only the outcome of run % can be recorded', OLD.run_id USING ERRCODE = '42501';
    END IF;
    IF OLD.backend_pid IS DISTINCT FROM pg_backend_pid()
       OR OLD.backend_start IS DISTINCT FROM (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()) THEN
        -- Another session's run: it may only be marked abandoned, once its session is gone. A
        -- session of another role shows no start time; with the same process id it counts as
        -- alive (at worst the mark waits for a later run). A row from before this migration
        -- names no session and may be marked.
        IF NEW.outcome IS DISTINCT FROM 'abandoned'
           OR EXISTS (SELECT 1 FROM pg_stat_activity a
                       WHERE a.pid = OLD.backend_pid
                         AND (a.backend_start IS NULL OR a.backend_start = OLD.backend_start)) THEN
            RAISE EXCEPTION 'run % was opened by another database session: only that session can record its outcome', OLD.run_id
                USING ERRCODE = '42501';
        END IF;
        NEW.exit_code := NULL;
        NEW.counts := OLD.counts;
        NEW.message := 'its database session ended before it recorded an outcome (the process was killed or lost its connection)';
    END IF;
    -- When it ended is the server's clock, like when it started.
    NEW.finished_at := CASE WHEN NEW.outcome = 'running' THEN NULL ELSE clock_timestamp() END;
    RETURN NEW;
END $$;
