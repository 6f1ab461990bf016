-- The registration platform's schema, as disburse reads it (SPEC §2). disburse never writes
-- here: this file exists so tests, the demo and the benchmark can stand up a registry.
CREATE SCHEMA IF NOT EXISTS registry;

CREATE TABLE registry.registrants (
    registrant_id     bigint PRIMARY KEY,
    nik               text,
    full_name         text,
    birth_date        date,
    phone             text,
    email             text,
    province_code     text,
    registered_at     timestamptz,
    email_verified_at timestamptz,
    nik_verified_at   timestamptz,
    phone_verified_at timestamptz
);

CREATE TABLE registry.decrees (
    decree_no               text PRIMARY KEY,
    wave                    int,
    issued_on               date,
    training_amount         bigint,
    incentive_amount        bigint,
    incentive_tranches      int,
    incentive_interval_days int,
    survey_amount           bigint,
    survey_count            int,
    payable_until           date
);

CREATE TABLE registry.decree_members (
    decree_no     text,
    registrant_id bigint,
    status        text CHECK (status IN ('approved', 'revoked')),
    changed_at    timestamptz,
    PRIMARY KEY (decree_no, registrant_id)
);

CREATE TABLE registry.training_completions (
    registrant_id  bigint,
    course_id      text,
    completed_at   timestamptz,
    certificate_no text,
    rating         smallint CHECK (rating BETWEEN 1 AND 5),
    review         text
);

CREATE TABLE registry.survey_responses (
    registrant_id bigint,
    survey_no     int,
    submitted_at  timestamptz,
    PRIMARY KEY (registrant_id, survey_no)
);

CREATE TABLE registry.payout_accounts (
    account_id    bigint PRIMARY KEY,
    registrant_id bigint,
    provider      text,
    kind          text CHECK (kind IN ('bank', 'ewallet')),
    account_no    text,
    account_name  text,
    owner_nik     text,
    upgraded      boolean,
    status        text CHECK (status IN ('active', 'inactive', 'closed')),
    linked_at     timestamptz,
    updated_at    timestamptz
);

-- Lookups by participant, as the upstream platform keeps them.
CREATE INDEX ON registry.decree_members (registrant_id);
CREATE INDEX ON registry.training_completions (registrant_id);
CREATE INDEX ON registry.payout_accounts (registrant_id);
CREATE INDEX ON registry.registrants (nik);
