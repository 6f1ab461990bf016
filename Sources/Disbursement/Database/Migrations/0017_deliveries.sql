-- Files carried to and from the channels over SFTP (issue 17).

-- One row per batch file sent to its channel, with the step it reached, so a delivery cut off
-- halfway is completed by the next call and never repeated:
--   PREPARED   encrypted and signed; the exact bytes (sent_sha256) wait in the local spool.
--              Nothing is visible at the channel under remote_name yet.
--   RENAMING   uploaded under a temporary name and checked byte for byte; the rename to
--              remote_name may or may not have happened.
--   DELIVERED  remote_name was seen at the channel with these bytes (or the channel had
--              already taken it away after the rename).
CREATE TABLE disbursement.deliveries (
    business_date    date        NOT NULL,
    file_name        text        NOT NULL,
    channel          text        NOT NULL,
    remote_name      text        NOT NULL,
    plaintext_sha256 text        NOT NULL,
    sent_sha256      text        NOT NULL,
    sent_size        bigint      NOT NULL CHECK (sent_size > 0),
    state            text        NOT NULL CHECK (state IN ('PREPARED', 'RENAMING', 'DELIVERED')),
    prepared_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at     timestamptz,
    run_id           bigint      NOT NULL,
    PRIMARY KEY (business_date, file_name),
    UNIQUE (channel, remote_name),
    CHECK ((state = 'DELIVERED') = (delivered_at IS NOT NULL))
);

-- Status files fetched from a channel's outbox: imported once, or refused (bad or missing
-- signature, not encrypted to us, malformed) and reported again until the channel replaces it.
CREATE TABLE disbursement.collected_files (
    channel          text        NOT NULL,
    remote_name      text        NOT NULL,
    sha256           text        NOT NULL,
    plaintext_sha256 text,
    outcome          text        NOT NULL CHECK (outcome IN ('IMPORTED', 'REFUSED')),
    reason           text,
    collected_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    run_id           bigint      NOT NULL,
    PRIMARY KEY (channel, remote_name)
);
CREATE INDEX collected_files_sha256 ON disbursement.collected_files (sha256);
