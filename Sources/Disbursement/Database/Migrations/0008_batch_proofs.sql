-- What each batch issued, per channel and kind, recorded by the night that made it and never
-- changed after: `report summary` compares the payouts' current statuses with it, so a payout
-- changed or deleted outside disburse shows as a non-zero control total (after --recount).
CREATE TABLE disbursement.batch_issued (
    business_date date   NOT NULL,
    channel       text   NOT NULL,
    kind          text   NOT NULL,
    payouts       bigint NOT NULL,
    amount        bigint NOT NULL,
    PRIMARY KEY (business_date, channel, kind)
);

-- Batches made before this migration: their payouts as they are now (disburse never deletes
-- an attempt nor changes its amount, so this is what was issued).
INSERT INTO disbursement.batch_issued
SELECT business_date, channel, kind, count(*), sum(amount)
  FROM disbursement.payouts
 GROUP BY business_date, channel, kind;

-- Per batch and decree, the proof that nothing the night found due vanished (SPEC §3, §8):
-- every entitlement due that night (and not settled or expired before) in exactly one state,
-- by precedence expired, held, paid or in flight, awaiting retry. The night checks
-- due = the sum of the states before it commits.
CREATE TABLE disbursement.decree_proofs (
    business_date   date   NOT NULL,
    decree_no       text   NOT NULL,
    due_count       bigint NOT NULL,
    due_amount      bigint NOT NULL,
    paid_count      bigint NOT NULL,
    paid_amount     bigint NOT NULL,
    held_count      bigint NOT NULL,
    held_amount     bigint NOT NULL,
    expired_count   bigint NOT NULL,
    expired_amount  bigint NOT NULL,
    retry_count     bigint NOT NULL,
    retry_amount    bigint NOT NULL,
    PRIMARY KEY (business_date, decree_no)
);

-- Both are records of what a batch was: written once, in the batch's transaction.
CREATE FUNCTION disbursement.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'disbursement.% is written once with its batch and never changed', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER batch_issued_written_once BEFORE UPDATE OR DELETE OR TRUNCATE ON disbursement.batch_issued
    FOR EACH STATEMENT EXECUTE FUNCTION disbursement.refuse_change();
CREATE TRIGGER decree_proofs_written_once BEFORE UPDATE OR DELETE OR TRUNCATE ON disbursement.decree_proofs
    FOR EACH STATEMENT EXECUTE FUNCTION disbursement.refuse_change();
