-- The funnel counts every registrant (23 M at national scale) and joins every decree member to
-- their VA, training and payouts: about a minute there, too slow to ask for on a whim. Reports
-- read the counts from the latest snapshot; a snapshot is taken by `disburse report funnel
-- --refresh` (cron, after the night), or by the first funnel report after a night or a
-- reconciliation changed what it counts. Earlier snapshots are kept: they are the funnel's history.
CREATE TABLE disbursement.funnel_snapshots (
    snapshot_id bigserial   PRIMARY KEY,
    taken_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    seconds     numeric
);

CREATE TABLE disbursement.funnel_counts (
    snapshot_id          bigint NOT NULL REFERENCES disbursement.funnel_snapshots ON DELETE CASCADE,
    dimension            text   NOT NULL CHECK (dimension IN ('wave', 'province')),
    grp                  text,  -- NULL on the total row
    registered           bigint NOT NULL,
    email_verified       bigint NOT NULL,
    nik_verified         bigint NOT NULL,
    phone_verified       bigint NOT NULL,
    approved             bigint NOT NULL,
    va_issued            bigint NOT NULL,
    trained              bigint NOT NULL,
    first_incentive_paid bigint NOT NULL,
    fully_paid           bigint NOT NULL
);
CREATE INDEX funnel_counts_by_snapshot ON disbursement.funnel_counts (snapshot_id, dimension);
