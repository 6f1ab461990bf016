-- Least-privilege roles (SPEC §9). Run once per database by an administrator, after
-- `disburse migrate`; safe to run again. Passwords/authentication are set outside this file.
--   disburse_job      the nightly job: reads registry, reads and writes disbursement
--   disburse_finance  finance: reads only the masked reporting views in disbursement_reports
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        CREATE ROLE disburse_job LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_finance') THEN
        CREATE ROLE disburse_finance LOGIN;
    END IF;
END
$$;

REVOKE ALL ON SCHEMA registry, disbursement FROM PUBLIC;

GRANT USAGE ON SCHEMA registry TO disburse_job;
GRANT SELECT ON ALL TABLES IN SCHEMA registry TO disburse_job;
GRANT USAGE, CREATE ON SCHEMA disbursement TO disburse_job;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA disbursement TO disburse_job;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA disbursement TO disburse_job;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA disbursement TO disburse_job;
-- Temporary tables hold each night's working sets.
DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO disburse_job', current_database()); END $$;

-- Finance sees masked views only. The views run with their owner's rights, so finance needs
-- no grant on the tables underneath.
CREATE SCHEMA IF NOT EXISTS disbursement_reports;
REVOKE ALL ON SCHEMA disbursement_reports FROM PUBLIC;

CREATE OR REPLACE VIEW disbursement_reports.payouts AS
SELECT p.business_date, p.channel, p.kind, p.number, p.attempt, p.end_to_end_id, p.registrant_id, p.decree_no,
       repeat('*', greatest(length(p.account_no) - 4, 0)) || right(p.account_no, 4) AS account_no_masked,
       p.amount, p.status, p.status_at, p.reason_code
  FROM disbursement.payouts p;

CREATE OR REPLACE VIEW disbursement_reports.holds AS
SELECT h.registrant_id, h.decree_no, h.kind, h.number, h.amount, h.reason, h.held_since, h.released_on,
       repeat('*', greatest(length(r.nik) - 4, 0)) || right(r.nik, 4) AS nik_masked
  FROM disbursement.holds h
  LEFT JOIN registry.registrants r USING (registrant_id);

CREATE OR REPLACE VIEW disbursement_reports.batches AS
SELECT business_date, created_at, tool_version, summary, manifest_sha256 FROM disbursement.batches;

CREATE OR REPLACE VIEW disbursement_reports.expired AS
SELECT registrant_id, decree_no, kind, number, amount, expired_on FROM disbursement.expired;

CREATE OR REPLACE VIEW disbursement_reports.reconciliation AS
SELECT f.file_name, f.imported_at, f.summary, e.kind AS exception_kind, e.end_to_end_id, e.amount, e.detail
  FROM disbursement.status_files f
  LEFT JOIN disbursement.recon_exceptions e USING (file_id);

-- Counts only, no one in them: every funnel snapshot, the funnel's history.
CREATE OR REPLACE VIEW disbursement_reports.funnel AS
SELECT s.taken_at, c.dimension, c.grp, c.registered, c.email_verified, c.nik_verified, c.phone_verified, c.approved,
       c.va_issued, c.trained, c.first_incentive_paid, c.fully_paid
  FROM disbursement.funnel_counts c
  JOIN disbursement.funnel_snapshots s USING (snapshot_id);

GRANT USAGE ON SCHEMA disbursement_reports TO disburse_finance;
GRANT SELECT ON ALL TABLES IN SCHEMA disbursement_reports TO disburse_finance;
