-- Virtual accounts, batches, payouts, holds and expiries. Every table that grows with the
-- programme leads with registrant_id, the column it would be distributed by on Citus.
-- The big tables carry no foreign keys: PostgreSQL checks those row by row, which would cost
-- more than the rest of a national night; every row of a night is written in the one
-- transaction that also writes its batch, so there is nothing for them to catch.

-- An issuer prefix and the fingerprint of the key it is bound to. next_sequence is the
-- only counter of the range: it is advanced under a row lock, so two issuers never share a number.
CREATE TABLE disbursement.va_ranges (
    prefix          text PRIMARY KEY CHECK (prefix ~ '^[0-9]{4,9}$'),
    key_fingerprint text        NOT NULL,
    capacity        bigint      NOT NULL CHECK (capacity > 0),
    next_sequence   bigint      NOT NULL DEFAULT 0 CHECK (next_sequence BETWEEN 0 AND capacity),
    first_used_at   timestamptz NOT NULL DEFAULT now()
);

-- One number per participant, for ever. The unique constraints are the last guard: a bug
-- cannot issue the same number twice, nor two numbers to one person. (A second sequence
-- index would add nothing: the number is a bijection of prefix and sequence.)
CREATE TABLE disbursement.virtual_accounts (
    registrant_id bigint PRIMARY KEY,
    va            text   NOT NULL UNIQUE CHECK (va ~ '^[0-9]{16}$'),
    prefix        text   NOT NULL,
    sequence_no   bigint NOT NULL,
    issued_on     date   NOT NULL,
    run_id        bigint NOT NULL
);

-- One batch per business date, written in the same transaction as everything it contains.
CREATE TABLE disbursement.batches (
    business_date        date PRIMARY KEY,
    run_id               bigint      NOT NULL,
    created_at           timestamptz NOT NULL,
    tool_version         text        NOT NULL,
    settings_fingerprint text        NOT NULL,
    summary              jsonb       NOT NULL,
    -- Set once the files are on disk; the next batch's manifest chains to it.
    manifest_sha256      text
);

-- One row per payment attempt. An entitlement is (registrant_id, kind, number).
CREATE TABLE disbursement.payouts (
    registrant_id  bigint NOT NULL,
    kind           text   NOT NULL CHECK (kind IN ('TRAINING', 'INCENTIVE', 'SURVEY')),
    number         int    NOT NULL CHECK (number > 0),
    attempt        int    NOT NULL CHECK (attempt > 0),
    business_date  date   NOT NULL,
    end_to_end_id  text   NOT NULL CHECK (end_to_end_id ~ '^[A-Z0-9-]{1,35}$'),
    decree_no      text   NOT NULL,
    channel        text   NOT NULL,
    account_id     bigint,
    account_no     text   NOT NULL,
    account_name   text   NOT NULL,
    amount         bigint NOT NULL CHECK (amount > 0),
    va             text   NOT NULL,
    status         text   NOT NULL DEFAULT 'ISSUED'
                   CHECK (status IN ('ISSUED', 'PENDING', 'PAID', 'FAILED', 'RETURNED')),
    status_at      timestamptz,
    reason_code    text,
    permanent      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (registrant_id, kind, number, attempt),
    -- The reference is the primary key spelled out, so it is unique because the key is.
    CHECK (end_to_end_id = 'PK-' || registrant_id || '-' || left(kind, 1) || number || '-' || attempt)
);
-- Never two live payments for one entitlement, and never another once one is paid.
CREATE UNIQUE INDEX payouts_one_live ON disbursement.payouts (registrant_id, kind, number)
    WHERE status IN ('ISSUED', 'PENDING', 'PAID');
CREATE INDEX payouts_by_batch ON disbursement.payouts (business_date);

-- A due entitlement that could not be paid, with the reason and the date it started. A hold
-- that ends gets released_on; one whose reason changes ends and a new one begins.
CREATE TABLE disbursement.holds (
    registrant_id bigint NOT NULL,
    kind          text   NOT NULL,
    number        int    NOT NULL,
    held_since    date   NOT NULL,
    reason        text   NOT NULL,
    decree_no     text   NOT NULL,
    amount        bigint NOT NULL,
    released_on   date,
    PRIMARY KEY (registrant_id, kind, number, held_since)
);
CREATE UNIQUE INDEX holds_one_active ON disbursement.holds (registrant_id, kind, number)
    WHERE released_on IS NULL;
CREATE INDEX holds_active_by_reason ON disbursement.holds (reason) WHERE released_on IS NULL;

-- Unpaid entitlements of a decree past its payable_until: never paid, money back to treasury.
CREATE TABLE disbursement.expired (
    registrant_id bigint NOT NULL,
    kind          text   NOT NULL,
    number        int    NOT NULL,
    decree_no     text   NOT NULL,
    amount        bigint NOT NULL,
    expired_on    date   NOT NULL,
    PRIMARY KEY (registrant_id, kind, number)
);

-- Phone numbers arrive as 0812…, 62812…, +62 812-…: compare them as 62812…. A single
-- expression without FROM, so the planner inlines it instead of calling it per row.
CREATE FUNCTION disbursement.normalize_phone(phone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(regexp_replace(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), '^0', '62'), '')
$$;
