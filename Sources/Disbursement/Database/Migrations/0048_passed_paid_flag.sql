-- A PAID line for a payout now RETURNED is a status it has already passed when the payout was
-- PAID before (a channel re-sending its history). Migration 0011 found that out through an
-- index on every PAID line applied, written for nearly every line of every status file (2 s of
-- 5 for 300 k lines in bench/night). The payout now remembers it itself, in the update that
-- moves it anyway: `passed_paid` is set when a line or a resolution makes it PAID or moves it
-- away from PAID (a payout becomes PAID in no other way).
ALTER TABLE disbursement.payouts ADD COLUMN passed_paid boolean NOT NULL DEFAULT false;

-- History before this migration: a payout that is not PAID now but had a PAID line applied.
-- (A payout PAID now is marked when it moves away from PAID.)
UPDATE disbursement.payouts p
   SET passed_paid = true
  FROM disbursement.status_lines sl
 WHERE sl.status = 'PAID' AND sl.outcome = 'APPLIED'
   AND p.status <> 'PAID'
   AND sl.registrant_id = p.registrant_id AND sl.end_to_end_id = p.end_to_end_id;

DROP INDEX disbursement.status_lines_paid_applied;

-- The job moves the flag with the status (sql/roles.sql grants the same on a new database).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'disburse_job') THEN
        GRANT UPDATE (passed_paid) ON disbursement.payouts TO disburse_job;
    END IF;
END $$;
