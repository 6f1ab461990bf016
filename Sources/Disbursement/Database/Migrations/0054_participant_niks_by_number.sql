-- participant_niks (0023) kept each NIK as 16 characters of text, compared in the database's
-- collation: its primary key cost about 0.5 s of the 1.3 s the first night at 1 M registrants
-- spends recording 227 k NIKs (bench/README.md). A recorded NIK is always 16 ASCII digits (its
-- check), so the number those digits spell is the same NIK, leading zeros implied by the fixed
-- width: kept as that bigint, compared as integers, 8 bytes instead of 17. Still the NIK itself
-- (docs/design.md, REREGISTERED_NIK); the night compares it with the number of a registry NIK
-- only once that NIK passed the same 16-digit test (run_person.nik_number).
ALTER TABLE disbursement.participant_niks
    DROP CONSTRAINT participant_niks_nik_check,
    ALTER COLUMN nik TYPE bigint USING nik::bigint,
    ADD CONSTRAINT participant_niks_nik_check CHECK (nik BETWEEN 0 AND 9999999999999999);
