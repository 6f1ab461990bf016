-- The tool's own schema. Every table that grows with participants carries registrant_id so it
-- can be distributed by participant (Citus) without a global index.
CREATE SCHEMA IF NOT EXISTS disbursement;

-- Every run, dry or real, successful or not: who, when, with what, and how it ended.
CREATE TABLE disbursement.run_log (
    run_id        bigserial PRIMARY KEY,
    command       text        NOT NULL,
    arguments     text[]      NOT NULL,
    business_date date,
    dry_run       boolean     NOT NULL DEFAULT false,
    os_user       text        NOT NULL,
    db_user       text        NOT NULL DEFAULT current_user,
    host          text        NOT NULL,
    pid           int         NOT NULL,
    tool_version  text        NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    outcome       text        NOT NULL DEFAULT 'running'
                  CHECK (outcome IN ('running', 'succeeded', 'failed', 'refused')),
    exit_code     int,
    message       text,
    counts        jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX run_log_started_at ON disbursement.run_log (started_at);
