-- The job's grants let it set a batch's manifest and finish its own run-log rows; these
-- triggers keep it from rewriting either afterwards, whatever the client sends. A refusal is
-- 42501 (insufficient privilege), like a missing grant.

-- A manifest is recorded once: `verify` trusts it, so it may go from NULL to a value, never change.
CREATE FUNCTION disbursement.guard_manifest() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF OLD.manifest_sha256 IS NOT NULL AND NEW.manifest_sha256 IS DISTINCT FROM OLD.manifest_sha256 THEN
        RAISE EXCEPTION 'the manifest of batch % is recorded and cannot change', OLD.business_date
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER batches_manifest_once BEFORE UPDATE ON disbursement.batches
    FOR EACH ROW EXECUTE FUNCTION disbursement.guard_manifest();

-- Who ran it is the database's word, not the client's.
CREATE FUNCTION disbursement.run_log_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.db_user := current_user;
    NEW.db_login := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER run_log_stamp BEFORE INSERT ON disbursement.run_log
    FOR EACH ROW EXECUTE FUNCTION disbursement.run_log_stamp();

-- A run finishes once; what it was (command, arguments, who, where, when) never changes.
CREATE FUNCTION disbursement.run_log_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF OLD.finished_at IS NOT NULL THEN
        RAISE EXCEPTION 'run % is finished and its record cannot change', OLD.run_id USING ERRCODE = '42501';
    END IF;
    IF (NEW.command, NEW.arguments, NEW.business_date, NEW.dry_run, NEW.db_user, NEW.db_login, NEW.os_user,
        NEW.host, NEW.pid, NEW.tool_version, NEW.started_at)
       IS DISTINCT FROM
       (OLD.command, OLD.arguments, OLD.business_date, OLD.dry_run, OLD.db_user, OLD.db_login, OLD.os_user,
        OLD.host, OLD.pid, OLD.tool_version, OLD.started_at) THEN
        RAISE EXCEPTION 'only the outcome of run % can be recorded', OLD.run_id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER run_log_guard BEFORE UPDATE ON disbursement.run_log
    FOR EACH ROW EXECUTE FUNCTION disbursement.run_log_guard();

CREATE FUNCTION disbursement.resolution_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.db_user := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER resolutions_stamp BEFORE INSERT ON disbursement.resolutions
    FOR EACH ROW EXECUTE FUNCTION disbursement.resolution_stamp();
