-- A run-log row is born running, now: whatever the client sends, a new row starts at the
-- server's clock with no finish, no outcome, exit code, message or counts of its own (finding N5:
-- the job could insert finished, back-dated rows). Only an UPDATE, under migration 0021's guard,
-- records how it ended. Replaces 0021's stamp, which set only who ran it.
CREATE OR REPLACE FUNCTION disbursement.run_log_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.db_user := current_user;
    NEW.db_login := session_user;
    NEW.started_at := clock_timestamp();
    NEW.finished_at := NULL;
    NEW.outcome := 'running';
    NEW.exit_code := NULL;
    NEW.message := NULL;
    NEW.counts := '{}'::jsonb;
    RETURN NEW;
END $$;
