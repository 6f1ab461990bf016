-- Count and rupiah of the payouts per business date, channel, kind and status: what the
-- summary report and the finance page add up, kept as payouts are written instead of summed
-- over the whole payouts table (tens of millions of rows over the programme) on every report.
-- The night adds its batch, reconciliation moves each payout it changes from one status to
-- another, in the same transactions. A trigger would do it for every writer, but its
-- transition tables tripled the cost of reconciling; `report summary --recount` recounts from
-- the payouts and says whether the kept totals had drifted (someone changed payouts by hand).
CREATE TABLE disbursement.payout_totals (
    business_date date   NOT NULL,
    channel       text   NOT NULL,
    kind          text   NOT NULL,
    status        text   NOT NULL,
    payouts       bigint NOT NULL,
    amount        bigint NOT NULL,
    PRIMARY KEY (business_date, channel, kind, status)
);

INSERT INTO disbursement.payout_totals
SELECT business_date, channel, kind, status, count(*), sum(amount)
  FROM disbursement.payouts
 GROUP BY business_date, channel, kind, status;
