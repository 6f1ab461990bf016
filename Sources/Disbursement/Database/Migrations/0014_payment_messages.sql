-- Every pain.001 file written, by its MsgId and PmtInfId, so that a pain.002 status for a whole
-- message (OrgnlGrpInfAndSts) or payment block (OrgnlPmtInfAndSts) maps back to its payouts:
-- those of the batch date and channel whose end_to_end_id lies, in byte order (the order the
-- files list them), between the file's first and last. A batch's payouts never change after
-- its night, so the range keeps naming the same payouts. One row per file: a small table.
CREATE TABLE disbursement.payment_messages (
    msg_id              text   PRIMARY KEY,
    pmt_inf_id          text   NOT NULL UNIQUE,
    business_date       date   NOT NULL,
    channel             text   NOT NULL,
    file_name           text   NOT NULL,
    first_end_to_end_id text   NOT NULL,
    last_end_to_end_id  text   NOT NULL,
    payouts             int    NOT NULL CHECK (payouts > 0),
    amount              bigint NOT NULL
);
CREATE INDEX payment_messages_by_date ON disbursement.payment_messages (business_date);

-- The version a pain.002 declares (read from its namespace, not enforced) and the namespace as written.
ALTER TABLE disbursement.status_files
    ADD COLUMN declared_version   text,
    ADD COLUMN declared_namespace text;

-- A status code the tool does not know is kept as written, with no status (UNKNOWN_STATUS);
-- an amount that cannot be one of ours (a fraction, another currency) likewise; a line made
-- from a block or group status names the status it came from.
ALTER TABLE disbursement.status_lines
    ALTER COLUMN status DROP NOT NULL,
    ADD COLUMN status_code text,
    ADD COLUMN amount_note text,
    ADD COLUMN source_line int;

-- Every exception kind of SPEC §7, DOUBLE_PAYMENT included (added by the reconciliation
-- state-machine work; listing it here keeps this constraint a superset whichever runs last).
ALTER TABLE disbursement.recon_exceptions DROP CONSTRAINT IF EXISTS recon_exceptions_kind_check;
ALTER TABLE disbursement.recon_exceptions ADD CONSTRAINT recon_exceptions_kind_check
    CHECK (kind IN ('UNKNOWN_REFERENCE', 'AMOUNT_MISMATCH', 'DUPLICATE_LINE', 'STATUS_CONFLICT', 'DOUBLE_PAYMENT',
                    'UNANSWERED', 'UNKNOWN_STATUS'));
