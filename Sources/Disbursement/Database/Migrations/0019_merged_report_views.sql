-- Reporting views for what the night and reconciliation record since migration 0012: what each
-- batch issued and the proof per decree (0008), finance's settlements and the open conflicts
-- and double payments (0010). Like every view in disbursement_reports they run with their
-- owner's rights and carry no NIK, account or phone number.
CREATE VIEW disbursement_reports.batch_issued AS
SELECT business_date, channel, kind, payouts, amount FROM disbursement.batch_issued;

CREATE VIEW disbursement_reports.decree_proofs AS
SELECT business_date, decree_no, due_count, due_amount, paid_count, paid_amount, held_count, held_amount,
       expired_count, expired_amount, retry_count, retry_amount
  FROM disbursement.decree_proofs;

CREATE VIEW disbursement_reports.resolutions AS
SELECT resolution_id, registrant_id, kind, number, attempt, end_to_end_id, status_before, status, reason, db_user,
       resolved_at
  FROM disbursement.resolutions;

-- The exceptions gain what finance settles them by; `detail` is written by disburse (what the
-- file said against what the payout is), with any run of 8 or more digits cut to its last 4
-- in case a channel's text ever reaches it.
CREATE OR REPLACE VIEW disbursement_reports.recon_exceptions AS
SELECT exception_id, file_id, line_no, kind, end_to_end_id, registrant_id, amount, found_at, amount_to_recover,
       resolution_id, regexp_replace(detail, '[0-9]{4,}([0-9]{4})', '****\1', 'g') AS detail
  FROM disbursement.recon_exceptions;
