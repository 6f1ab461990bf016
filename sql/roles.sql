-- Least-privilege roles (SPEC §9). An administrator runs this file as a superuser on the
-- programme's database after the first `disburse migrate`, and again after any migrate that
-- adds tables (safe to run again; until then default privileges cover them, see below).
-- Passwords and authentication (pg_hba.conf, ~/.pgpass) are set outside this file.
--
--   disburse_owner    owns the schemas disbursement and disbursement_reports and everything in
--                     them; runs `disburse migrate` and nothing else. An owner can delete and
--                     alter, so no other role is the owner.
--   disburse_job      the nightly job, reconcile, `report funnel --refresh` and `report summary
--                     --recount`: reads the registry columns it uses, writes disbursement through
--                     grants per table and column. It cannot delete the run log, VAs, ranges,
--                     batches, payouts, holds or anything a status file left, cannot change a
--                     key's fingerprint, a VA or a payout's amount, and cannot write the registry.
--   disburse_approver four eyes (`disburse approve` / `disburse reject`): a group role; each
--                     approver logs in as a login of their own that is a member of it
--                     (CREATE ROLE alice LOGIN IN ROLE disburse_approver), never the job's login.
--                     It can see a batch's totals and decide it, and nothing else.
--   disburse_finance  every `disburse report` (summary, holds, funnel, reconciliation in every
--                     format, html): reads only the masked views in disbursement_reports.
--   disburse_support  the call centre (`disburse participant ID`): a group role; each agent logs
--                     in as a login of their own in it (CREATE ROLE budi LOGIN IN ROLE
--                     disburse_support). One participant at a time through the two functions of
--                     migration 0040, masked, every lookup recorded; no table, view or listing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_owner') THEN
        CREATE ROLE disburse_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        CREATE ROLE disburse_job LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_finance') THEN
        CREATE ROLE disburse_finance LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_approver') THEN
        CREATE ROLE disburse_approver NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_support') THEN
        CREATE ROLE disburse_support NOLOGIN;
    END IF;
END
$$;

-- Ownership: the migration role owns the tool's schemas and every object in them, so later
-- migrations (run as disburse_owner) create objects it owns, and ANALYZE runs as it through
-- disbursement.refresh_statistics (migration 0013).
CREATE SCHEMA IF NOT EXISTS disbursement_reports;
ALTER SCHEMA disbursement OWNER TO disburse_owner;
-- `disburse migrate` says CREATE SCHEMA IF NOT EXISTS, which needs this even when the schema exists.
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO disburse_owner', current_database()); END $$;
ALTER SCHEMA disbursement_reports OWNER TO disburse_owner;
DO $$
DECLARE
    object record;
BEGIN
    FOR object IN
        SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
         WHERE c.relnamespace IN ('disbursement'::regnamespace, 'disbursement_reports'::regnamespace)
           AND c.relkind IN ('r', 'v', 'm', 'p', 'S')
           -- A sequence owned by a column follows its table.
           AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'a'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO disburse_owner',
                       CASE object.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                           WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, object.name);
    END LOOP;
    FOR object IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p WHERE p.pronamespace = 'disbursement'::regnamespace
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO disburse_owner', object.name);
    END LOOP;
END
$$;

-- Nobody gets anything by default; each role gets exactly what follows.
REVOKE ALL ON SCHEMA registry, disbursement, disbursement_reports FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA registry FROM disburse_job, disburse_finance, disburse_support;
REVOKE ALL ON ALL TABLES IN SCHEMA disbursement FROM PUBLIC, disburse_job, disburse_finance, disburse_support;
REVOKE ALL ON ALL TABLES IN SCHEMA disbursement_reports FROM PUBLIC, disburse_job, disburse_finance, disburse_support;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA disbursement FROM PUBLIC, disburse_job, disburse_finance, disburse_support;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA disbursement FROM PUBLIC, disburse_job, disburse_finance, disburse_support;
-- (A table-level REVOKE also takes back the column grants of earlier versions of this file.)

-- The job: the registry columns it reads (SPEC §2), nothing else of the registry.
GRANT USAGE ON SCHEMA registry TO disburse_job;
GRANT SELECT (registrant_id, nik, full_name, phone, province_code, email_verified_at, nik_verified_at, phone_verified_at)
    ON registry.registrants TO disburse_job;
GRANT SELECT (decree_no, wave, issued_on, training_amount, incentive_amount, incentive_tranches, incentive_interval_days,
              survey_amount, survey_count, payable_until)
    ON registry.decrees TO disburse_job;
-- xmin (here and on payout_accounts): the row version's transaction, how a night tells rows
-- written since the last batch (migration 0052); the platform's timestamps are not to be trusted.
GRANT SELECT (decree_no, registrant_id, status, xmin) ON registry.decree_members TO disburse_job;
GRANT SELECT (registrant_id, completed_at, certificate_no, rating, review, xmin) ON registry.training_completions TO disburse_job;
GRANT SELECT (registrant_id, survey_no, submitted_at, xmin) ON registry.survey_responses TO disburse_job;
GRANT SELECT (account_id, registrant_id, provider, kind, account_no, account_name, owner_nik, upgraded, status, linked_at,
              updated_at, xmin)
    ON registry.payout_accounts TO disburse_job;

-- The job in its own schema: per table, per column. No DELETE where a row must stay.
GRANT USAGE ON SCHEMA disbursement TO disburse_job;
GRANT SELECT ON disbursement.schema_migrations TO disburse_job;
-- A run's row is opened with what the tool knows of it; the server stamps the rest (migration 0025).
GRANT SELECT ON disbursement.run_log TO disburse_job;
GRANT INSERT (command, arguments, business_date, dry_run, os_user, host, pid, tool_version) ON disbursement.run_log
    TO disburse_job;
GRANT UPDATE (finished_at, outcome, exit_code, message, counts) ON disbursement.run_log TO disburse_job;
-- A range's key fingerprint, prefix and capacity never change: only its counter moves.
GRANT SELECT, INSERT ON disbursement.va_ranges TO disburse_job;
GRANT UPDATE (next_sequence) ON disbursement.va_ranges TO disburse_job;
GRANT SELECT, INSERT ON disbursement.virtual_accounts TO disburse_job;
GRANT SELECT, INSERT ON disbursement.batches TO disburse_job;
GRANT UPDATE (summary, manifest_sha256) ON disbursement.batches TO disburse_job;
-- Reconciliation moves a payout's status; who, what and how much never change.
GRANT SELECT, INSERT ON disbursement.payouts TO disburse_job;
GRANT UPDATE (status, status_at, reason_code, permanent, passed_paid) ON disbursement.payouts TO disburse_job;
GRANT SELECT, INSERT ON disbursement.holds TO disburse_job;
GRANT UPDATE (released_on) ON disbursement.holds TO disburse_job;
-- DELETE: `resolve --status PAID` takes back an expiry when the money reached the participant after all.
GRANT SELECT, INSERT, DELETE ON disbursement.expired TO disburse_job;
GRANT SELECT, INSERT ON disbursement.status_files TO disburse_job;
GRANT UPDATE (summary) ON disbursement.status_files TO disburse_job;
GRANT SELECT, INSERT ON disbursement.status_lines, disbursement.recon_exceptions, disbursement.unanswered_checked
    TO disburse_job;
GRANT UPDATE (resolution_id) ON disbursement.recon_exceptions TO disburse_job;
-- What each night issued and its proof per decree (migration 0008) are written once, never changed.
GRANT SELECT, INSERT ON disbursement.batch_issued, disbursement.decree_proofs TO disburse_job;
-- Finance's settlements (`disburse resolve`, migration 0010), kept for ever.
GRANT SELECT, INSERT ON disbursement.resolutions TO disburse_job;
GRANT SELECT, INSERT ON disbursement.funnel_snapshots, disbursement.funnel_counts TO disburse_job;
-- The pain.001 ids each batch's files carry (migration 0014), written once per file.
GRANT SELECT, INSERT ON disbursement.payment_messages TO disburse_job;
-- Release (migrations 0016, 0017): the job reads the approvers' decisions and records what it
-- delivered and collected, moving a delivery through its states; it never decides a batch.
GRANT SELECT ON disbursement.batch_decisions TO disburse_job;
GRANT SELECT, INSERT, UPDATE ON disbursement.deliveries, disbursement.collected_files TO disburse_job;
-- Each channel's first SFTP date (migration 0030) is recorded once and never moved.
GRANT SELECT, INSERT ON disbursement.delivery_starts TO disburse_job;
REVOKE UPDATE, DELETE ON disbursement.delivery_starts FROM disburse_job;
GRANT UPDATE (seconds) ON disbursement.funnel_snapshots TO disburse_job;
-- Kept totals, derived from the payouts: `report summary --recount` replaces them all.
GRANT SELECT, INSERT, UPDATE, DELETE ON disbursement.payout_totals TO disburse_job;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA disbursement TO disburse_job;
GRANT EXECUTE ON FUNCTION disbursement.normalize_phone(text), disbursement.refresh_statistics(text) TO disburse_job;
-- Shared accounts (migration 0022); the NIKs of participants paid or numbered (0023), never read by finance.
GRANT SELECT, INSERT ON disbursement.participant_niks TO disburse_job;
-- The first qualifying completion day (0024) only moves earlier.
GRANT SELECT, INSERT, UPDATE (first_on, recorded_on) ON disbursement.first_completions TO disburse_job;
-- What the next night needs to know what changed (migration 0052, docs/design.md "Incremental
-- nights"): rebuilt in part or whole by every night, never money.
GRANT SELECT, INSERT ON disbursement.night_scopes TO disburse_job;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON disbursement.participant_state, disbursement.decree_state,
    disbursement.account_numbers TO disburse_job;
GRANT EXECUTE ON FUNCTION disbursement.written_since(xid, integer) TO disburse_job;
GRANT EXECUTE ON FUNCTION disbursement.account_key(text) TO disburse_job;
-- Rules the night shares with the participant statement (migration 0040); inlined only where
-- the caller may execute them.
GRANT EXECUTE ON FUNCTION disbursement.completion_qualifies(text, smallint, text, timestamptz),
    disbursement.jakarta_day(timestamptz, timestamptz) TO disburse_job;
-- And the rest of them (migration 0051).
GRANT EXECUTE ON FUNCTION disbursement.decree_in_force(date, date, boolean), disbursement.decree_precedence(text, date, text),
    disbursement.completion_within_decree(date, date), disbursement.first_qualifying_day(date, date),
    disbursement.account_may_be_in_force(text), disbursement.account_recency(timestamptz, bigint),
    disbursement.training_due(date, date), disbursement.incentive_interval(int), disbursement.incentive_due(date, int, int),
    disbursement.survey_due(date, date) TO disburse_job;
-- The account tie-break the night shares with the statement (migration 0055).
GRANT EXECUTE ON FUNCTION disbursement.account_tie_break(text, boolean, text, text, text, text, text, timestamptz) TO disburse_job;
-- Temporary tables hold each night's working sets.
DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO disburse_job', current_database()); END $$;

-- Reports: finance and the job read the masked views only (they run with their owner's
-- rights, so no grant on the tables underneath is needed).
GRANT USAGE ON SCHEMA disbursement_reports TO disburse_finance, disburse_job;
GRANT SELECT ON ALL TABLES IN SCHEMA disbursement_reports TO disburse_finance, disburse_job;

-- What a later migration adds (run as disburse_owner) is covered before this file runs again:
-- the job may read, add and change rows of a new table but not delete them; both roles may
-- read a new reporting view.
ALTER DEFAULT PRIVILEGES FOR ROLE disburse_owner IN SCHEMA disbursement
    GRANT SELECT, INSERT, UPDATE ON TABLES TO disburse_job;
ALTER DEFAULT PRIVILEGES FOR ROLE disburse_owner IN SCHEMA disbursement
    GRANT USAGE ON SEQUENCES TO disburse_job;
ALTER DEFAULT PRIVILEGES FOR ROLE disburse_owner IN SCHEMA disbursement_reports
    GRANT SELECT ON TABLES TO disburse_finance, disburse_job;
-- Functions are executable by PUBLIC by default; a new one is granted to the job explicitly.
ALTER DEFAULT PRIVILEGES FOR ROLE disburse_owner IN SCHEMA disbursement
    REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE disburse_owner IN SCHEMA disbursement
    GRANT EXECUTE ON FUNCTIONS TO disburse_job;

-- Approvers: the two release functions of migration 0016 and nothing else (they run with their
-- owner's rights and enforce four eyes themselves). The job must never decide a batch.
REVOKE ALL ON FUNCTION disbursement.batch_for_release(date), disbursement.decide_batch(date, text, text, text)
    FROM PUBLIC, disburse_job, disburse_finance;
GRANT USAGE ON SCHEMA disbursement TO disburse_approver;
GRANT EXECUTE ON FUNCTION disbursement.batch_for_release(date), disbursement.decide_batch(date, text, text, text)
    TO disburse_approver;
-- Approvers record their own decisions and refused tries in the run log (migration 0032); the
-- job never writes a decision or the release policy, whatever the default privileges gave it.
REVOKE ALL ON FUNCTION disbursement.log_release(text, text[], date, text, text, int, text, int, text)
    FROM PUBLIC, disburse_finance;
-- The job too: the maker trying to approve its own batch is recorded (a success cannot be forged).
GRANT EXECUTE ON FUNCTION disbursement.log_release(text, text[], date, text, text, int, text, int, text)
    TO disburse_approver, disburse_job;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON disbursement.batch_decisions, disbursement.release_policy FROM disburse_job;
GRANT SELECT ON disbursement.release_policy TO disburse_job;

-- The call centre: one participant at a time, through two functions that run with their owner's
-- rights, mask every identifying value and record each lookup (migration 0040). No USAGE on the
-- registry or the reporting views, no table, view or sequence: nothing to list or export. The
-- job may run `disburse participant` too (an operator's question); its lookups are recorded the same way.
-- The two functions run as disburse_owner, which reads what a statement shows of the registry.
GRANT USAGE ON SCHEMA registry TO disburse_owner;
GRANT SELECT (registrant_id, nik, full_name, phone) ON registry.registrants TO disburse_owner;
GRANT SELECT (decree_no, wave, issued_on, training_amount, incentive_amount, incentive_tranches, incentive_interval_days,
              survey_amount, survey_count, payable_until)
    ON registry.decrees TO disburse_owner;
GRANT SELECT (decree_no, registrant_id, status, changed_at) ON registry.decree_members TO disburse_owner;
GRANT SELECT (registrant_id, completed_at, certificate_no, rating, review) ON registry.training_completions TO disburse_owner;
GRANT SELECT (registrant_id, survey_no, submitted_at) ON registry.survey_responses TO disburse_owner;
GRANT SELECT (account_id, registrant_id, provider, kind, account_no, upgraded, status, linked_at)
    ON registry.payout_accounts TO disburse_owner;
GRANT USAGE ON SCHEMA disbursement TO disburse_support;
GRANT EXECUTE ON FUNCTION disbursement.statement_request(text), disbursement.participant_statement(bigint)
    TO disburse_support, disburse_job;
-- The record of lookups is written by those functions only and read by the owner (auditors).
REVOKE ALL ON disbursement.statement_lookups FROM disburse_job, disburse_finance, disburse_support;
REVOKE ALL ON SEQUENCE disbursement.statement_lookups_lookup_id_seq FROM disburse_job, disburse_finance, disburse_support;

-- Advisory locks are the jobs' lock (RunLock, the migrator): a login that could take one, a
-- call-centre or finance login, could stop every night and name a holder of its choosing
-- (attack on issue 19, F6). In this database only the owner and the job may take them; the
-- statement's functions take theirs as the owner.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$'
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO disburse_owner, disburse_job', f);
    END LOOP;
    -- Forcing statistics out made the index counters a NIK oracle (F2).
    IF to_regprocedure('pg_catalog.pg_stat_force_next_flush()') IS NOT NULL THEN
        REVOKE EXECUTE ON FUNCTION pg_catalog.pg_stat_force_next_flush() FROM PUBLIC;
    END IF;
END $$;
