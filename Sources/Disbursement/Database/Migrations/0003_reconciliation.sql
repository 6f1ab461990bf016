-- Channel status files and what they did. A file is known by its SHA-256: importing it again
-- changes nothing.
CREATE TABLE disbursement.status_files (
    file_id     bigserial PRIMARY KEY,
    sha256      text        NOT NULL UNIQUE,
    file_name   text        NOT NULL,
    format      text        NOT NULL CHECK (format IN ('csv', 'pain002')),
    imported_at timestamptz NOT NULL DEFAULT now(),
    run_id      bigint      NOT NULL,
    summary     jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- Every line of every file, as read, with what became of it.
CREATE TABLE disbursement.status_lines (
    file_id       bigint NOT NULL,
    line_no       int    NOT NULL,
    end_to_end_id text   NOT NULL,
    registrant_id bigint,
    status        text   NOT NULL CHECK (status IN ('PAID', 'FAILED', 'RETURNED', 'PENDING')),
    amount        bigint,
    reason_code   text,
    reason_text   text,
    settled_at    text,
    permanent     boolean NOT NULL DEFAULT false,
    -- APPLIED, UNCHANGED (already in that state, or an out-of-order PENDING) or EXCEPTION
    outcome       text   NOT NULL,
    PRIMARY KEY (file_id, line_no)
);

CREATE TABLE disbursement.recon_exceptions (
    exception_id  bigserial PRIMARY KEY,
    file_id       bigint,
    line_no       int,
    kind          text   NOT NULL CHECK (kind IN ('UNKNOWN_REFERENCE', 'AMOUNT_MISMATCH', 'DUPLICATE_LINE',
                                                   'STATUS_CONFLICT', 'UNANSWERED')),
    end_to_end_id text   NOT NULL,
    registrant_id bigint,
    amount        bigint,
    detail        text   NOT NULL,
    found_at      timestamptz NOT NULL DEFAULT now()
);
-- A payout left unanswered is reported once, not on every import.
CREATE UNIQUE INDEX recon_exceptions_unanswered_once ON disbursement.recon_exceptions (end_to_end_id)
    WHERE kind = 'UNANSWERED';
CREATE INDEX recon_exceptions_by_file ON disbursement.recon_exceptions (file_id);
