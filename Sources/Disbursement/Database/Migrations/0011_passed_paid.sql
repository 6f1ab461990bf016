-- A PAID line for a payout now RETURNED is a status it has already passed when the payout was
-- PAID before (a channel re-sending its history): reconciliation looks for the PAID line that
-- was applied to it. Few lines ask, each through this index instead of reading every line.
CREATE INDEX status_lines_paid_applied ON disbursement.status_lines (registrant_id, end_to_end_id)
    WHERE status = 'PAID' AND outcome = 'APPLIED';
