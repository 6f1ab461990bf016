-- The reporting views (SPEC §8, §9): everything `disburse report` reads, masked, in the schema
-- finance may read. They were created by sql/roles.sql before; as part of the schema they exist
-- after `disburse migrate` on any database, whoever runs the reports. Views run with their
-- owner's rights: a reader needs SELECT on the view only, never on the tables under it. No view
-- reads the registry, so the registry's owners can change it without asking us.
CREATE SCHEMA IF NOT EXISTS disbursement_reports;

DROP VIEW IF EXISTS disbursement_reports.payouts, disbursement_reports.holds, disbursement_reports.batches,
    disbursement_reports.expired, disbursement_reports.reconciliation, disbursement_reports.funnel;

-- The applied migrations, so a reader can check the schema's version without the base table.
CREATE VIEW disbursement_reports.schema_migrations AS
SELECT version, name, checksum, applied_at FROM disbursement.schema_migrations;

CREATE VIEW disbursement_reports.payout_totals AS
SELECT business_date, channel, kind, status, payouts, amount FROM disbursement.payout_totals;

-- Account numbers keep their last 4 characters.
CREATE VIEW disbursement_reports.payouts AS
SELECT p.business_date, p.channel, p.kind, p.number, p.attempt, p.end_to_end_id, p.registrant_id, p.decree_no,
       repeat('*', greatest(length(p.account_no) - 4, 0)) || right(p.account_no, 4) AS account_no_masked,
       p.amount, p.status, p.status_at, p.reason_code
  FROM disbursement.payouts p;

CREATE VIEW disbursement_reports.holds AS
SELECT registrant_id, decree_no, kind, number, amount, reason, held_since, released_on FROM disbursement.holds;

CREATE VIEW disbursement_reports.expired AS
SELECT registrant_id, decree_no, kind, number, amount, expired_on FROM disbursement.expired;

CREATE VIEW disbursement_reports.batches AS
SELECT business_date, created_at, tool_version, summary, manifest_sha256 FROM disbursement.batches;

CREATE VIEW disbursement_reports.status_files AS
SELECT file_id, file_name, format, imported_at, summary FROM disbursement.status_files;

-- Without `detail`, which quotes the channel's file.
CREATE VIEW disbursement_reports.recon_exceptions AS
SELECT exception_id, file_id, line_no, kind, end_to_end_id, registrant_id, amount, found_at
  FROM disbursement.recon_exceptions;

-- A snapshot is up to date while no night and no reconciliation has finished since it was taken.
CREATE VIEW disbursement_reports.funnel_snapshots AS
SELECT s.snapshot_id, s.taken_at, s.seconds,
       s.taken_at > coalesce((SELECT max(l.finished_at) FROM disbursement.run_log l
                               WHERE l.command IN ('run', 'reconcile') AND NOT l.dry_run AND l.outcome = 'succeeded'),
                             '-infinity') AS up_to_date
  FROM disbursement.funnel_snapshots s;

CREATE VIEW disbursement_reports.funnel_counts AS
SELECT snapshot_id, dimension, grp, registered, email_verified, nik_verified, phone_verified, approved, va_issued,
       trained, first_incentive_paid, fully_paid
  FROM disbursement.funnel_counts;

-- Counts only, no one in them: every funnel snapshot, the funnel's history.
CREATE VIEW disbursement_reports.funnel AS
SELECT s.taken_at, c.dimension, c.grp, c.registered, c.email_verified, c.nik_verified, c.phone_verified, c.approved,
       c.va_issued, c.trained, c.first_incentive_paid, c.fully_paid
  FROM disbursement.funnel_counts c
  JOIN disbursement.funnel_snapshots s USING (snapshot_id);
