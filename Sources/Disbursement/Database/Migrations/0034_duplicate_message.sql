-- A block or group rejection for a duplicate message (DU01–DU05, AM05) moves no payout: the
-- channel already has the first copy, which stands. It is an exception for finance of its
-- own kind. Every earlier kind stays (this constraint is a superset of 0014's).
ALTER TABLE disbursement.recon_exceptions DROP CONSTRAINT IF EXISTS recon_exceptions_kind_check;
ALTER TABLE disbursement.recon_exceptions ADD CONSTRAINT recon_exceptions_kind_check
    CHECK (kind IN ('UNKNOWN_REFERENCE', 'AMOUNT_MISMATCH', 'DUPLICATE_LINE', 'STATUS_CONFLICT', 'DOUBLE_PAYMENT',
                    'UNANSWERED', 'UNKNOWN_STATUS', 'DUPLICATE_MESSAGE'));
