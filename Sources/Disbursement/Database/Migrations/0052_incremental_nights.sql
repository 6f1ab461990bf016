-- Issue 15: a night after the first decides only the participants whose outcome can have
-- changed since the last batch (docs/design.md, "Incremental nights"). What the next night
-- needs to tell them apart is kept here; none of it is money, all of it can be rebuilt by a
-- full night (`disburse run --full`).

-- One row per batch: how the night chose whom to decide, and where the next night starts.
CREATE TABLE disbursement.night_scopes (
    business_date    date PRIMARY KEY REFERENCES disbursement.batches,
    -- 'full': every member decided; 'incremental': only those in run_touched.
    scope            text NOT NULL CHECK (scope IN ('full', 'incremental')),
    -- Why a night was full, in a few words, for the run log and the bench ("first night", …).
    reason           text,
    -- The oldest transaction still running when the night began: registry rows written by it
    -- or a later one are news to the next night (PostgreSQL's own row versions, never the
    -- registry's dirty timestamps).
    registry_horizon xid8 NOT NULL,
    -- registry.decree_members rows with a registrant, counted tonight: a row deleted from an
    -- untouched participant shows up as a difference (participant_state.member_rows).
    member_rows      bigint NOT NULL,
    -- How many participants were decided.
    touched          bigint NOT NULL
);

-- Per registrant listed in registry.decree_members (or holding a VA): their membership rows
-- as last counted, and the next day an incentive tranche of theirs falls due.
CREATE TABLE disbursement.participant_state (
    registrant_id bigint PRIMARY KEY,
    member_rows   integer NOT NULL,
    next_check_on date
);
CREATE INDEX participant_state_next_check ON disbursement.participant_state (next_check_on)
    WHERE next_check_on IS NOT NULL;

-- Per decree: what its scheme and tonight's date made of it. A change touches its members.
CREATE TABLE disbursement.decree_state (
    decree_no   text PRIMARY KEY,
    fingerprint text NOT NULL
);

-- Entitlements whose last attempt failed or was returned are awaiting a retry: found through
-- this small index instead of reading every payout.
CREATE INDEX payouts_not_live ON disbursement.payouts (registrant_id) WHERE NOT live;

-- True when a registry row version was written by a transaction at or after `horizon`
-- (or one so new it is past `now_xid`). xmin is 32 bits: it is widened against `now_xid`,
-- which the night only does when fewer than 2^31 transactions passed since the horizon.
-- A single expression, so the planner inlines it into the scan.
CREATE FUNCTION disbursement.written_since(row_xmin xid, horizon xid8, now_xid xid8) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN (now_xid::text::bigint % 4294967296 - row_xmin::text::bigint + 4294967296) % 4294967296 > 2147483648
                THEN true
                ELSE now_xid::text::bigint
                     - (now_xid::text::bigint % 4294967296 - row_xmin::text::bigint + 4294967296) % 4294967296
                     >= horizon::text::bigint END
$$;
