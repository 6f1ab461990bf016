-- Batch dates whose payouts have been checked for answers after `unanswered_after_days`. A
-- batch's payouts are all written by its night and never added to later (a retry is a payout
-- of a later date), so once a date past the limit has been checked, every payout of it that
-- had no final answer is reported, and it never needs reading again. Without this each
-- reconciliation read every payout ever made: tens of millions of rows late in the programme.
CREATE TABLE disbursement.unanswered_checked (
    business_date date        PRIMARY KEY,
    checked_at    timestamptz NOT NULL DEFAULT now(),
    run_id        bigint      NOT NULL
);
