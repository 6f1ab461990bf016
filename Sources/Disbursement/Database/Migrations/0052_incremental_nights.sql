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
    -- registry.payout_accounts rows with a registrant, counted tonight (account_numbers.account_rows).
    account_rows     bigint NOT NULL,
    -- How many participants were decided.
    touched          bigint NOT NULL,
    -- The rules the state was kept by (NightScope.rulesFingerprint: every migration's checksum
    -- and the night's statements): another set of rules makes the next night full.
    rules            text NOT NULL
);

-- Per registrant listed in registry.decree_members (or holding a VA): their membership rows
-- as last counted, and the next day an incentive tranche of theirs falls due. No index: a full
-- night writes every row (an index made that 2.5 times slower) and each night reads the table
-- once, 16 bytes a row; one row per registrant is the night's to keep (`NightScopeSQL`).
CREATE TABLE disbursement.participant_state (
    registrant_id bigint NOT NULL,
    member_rows   integer NOT NULL,
    next_check_on date
);

-- Per decree: what its scheme and tonight's date made of it. A change touches its members.
CREATE TABLE disbursement.decree_state (
    decree_no   text PRIMARY KEY,
    fingerprint text NOT NULL
);

-- Per registrant with an account in registry.payout_accounts (participant or not): their
-- account rows as last counted, and the number of their account in force (provider and key,
-- as the night pays it; NULL when every account is closed). SHARED_ACCOUNT asks whether anyone
-- else's account in force has the same number: a hash join with this narrow table instead of
-- reading and keying every account of the registry each night (6 µs a row). No index, as above.
CREATE TABLE disbursement.account_numbers (
    registrant_id bigint NOT NULL,
    account_rows  integer NOT NULL,
    provider      text,
    account_key   text
);

-- A full night rewrites account_numbers for every registrant: the planner must see it, or it
-- plans the night's joins with it for an empty table. The job may ask for it (it cannot ANALYZE what it does
-- not own), and for nothing else.
CREATE OR REPLACE FUNCTION disbursement.refresh_statistics(table_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    CASE table_name
        WHEN 'payouts' THEN ANALYZE disbursement.payouts;
        WHEN 'virtual_accounts' THEN ANALYZE disbursement.virtual_accounts;
        WHEN 'account_numbers' THEN ANALYZE disbursement.account_numbers;
        ELSE RAISE EXCEPTION 'refresh_statistics: % is not a table the job refreshes', table_name
             USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;

-- Entitlements whose last attempt failed or was returned are awaiting a retry: found through
-- this small index instead of reading every payout.
CREATE INDEX payouts_not_live ON disbursement.payouts (registrant_id) WHERE NOT live;

-- True when a registry row version was written by a transaction at most `transactions_since`
-- transactions before the current one: the night binds the distance from the last night's
-- horizon, and is full unless it is between 0 and two billion (32-bit xids wrap; a horizon
-- ahead of the counter is another cluster). age() is PostgreSQL's own wraparound-aware
-- distance, a few nanoseconds a row. A row over 2^31 transactions old keeps its raw xmin when
-- frozen and its age turns negative: not news. A single expression, inlined into the scan.
CREATE FUNCTION disbursement.written_since(row_xmin xid, transactions_since integer) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT age(row_xmin) BETWEEN 0 AND transactions_since
$$;
