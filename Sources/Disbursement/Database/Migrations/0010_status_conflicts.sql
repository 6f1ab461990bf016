-- The status state machine (SPEC §7): a line that contradicts a payout's status is a
-- STATUS_CONFLICT, a PAID report of an earlier attempt while a later one is live or paid is a
-- DOUBLE_PAYMENT. Both stay open, and hold their entitlement, until finance settles the payout
-- with `disburse resolve`; each settlement is recorded here with who, when and why.
--
-- The list of kinds is the union of every kind SPEC §7 names, UNKNOWN_STATUS included (another
-- change adds it), so migrations that add kinds can run in either order.
ALTER TABLE disbursement.recon_exceptions DROP CONSTRAINT recon_exceptions_kind_check,
    ADD CONSTRAINT recon_exceptions_kind_check
        CHECK (kind IN ('UNKNOWN_REFERENCE', 'UNKNOWN_STATUS', 'AMOUNT_MISMATCH', 'DUPLICATE_LINE', 'STATUS_CONFLICT',
                        'DOUBLE_PAYMENT', 'UNANSWERED'));

-- One row per `disburse resolve`: the payout, its status before and the true final status
-- finance gave, the reason, the database session user and the operating-system user.
CREATE TABLE disbursement.resolutions (
    resolution_id bigserial   PRIMARY KEY,
    registrant_id bigint      NOT NULL,
    kind          text        NOT NULL,
    number        int         NOT NULL,
    attempt       int         NOT NULL,
    end_to_end_id text        NOT NULL,
    status_before text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('PAID', 'FAILED', 'RETURNED')),
    reason        text        NOT NULL CHECK (btrim(reason) <> ''),
    db_user       text        NOT NULL DEFAULT session_user,
    os_user       text        NOT NULL,
    resolved_at   timestamptz NOT NULL DEFAULT now(),
    run_id        bigint      NOT NULL
);
CREATE INDEX resolutions_by_payout ON disbursement.resolutions (registrant_id, kind, number, attempt);

-- A conflict or double payment is open while resolution_id is NULL. Open ones are few; the
-- night and the report find them through this small index, never by reading every exception.
-- `amount_to_recover` is set on a DOUBLE_PAYMENT: the rupiah paid twice.
ALTER TABLE disbursement.recon_exceptions
    ADD COLUMN resolution_id bigint,
    ADD COLUMN amount_to_recover bigint;
CREATE INDEX recon_exceptions_open_conflicts ON disbursement.recon_exceptions (registrant_id, end_to_end_id)
    WHERE kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND resolution_id IS NULL;

-- Conflicts recorded before this migration stay open: money may have moved on them, so they
-- are held from the next night on and listed until finance settles them.
