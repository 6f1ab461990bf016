-- REREGISTERED_NIK (issue 13, F5): the NIK each participant had when the night issued their
-- VA or paid them, kept by the tool, so that the same person registered again under a new
-- registrant_id is recognised even after the old registry row was deleted or its NIK changed.
-- The NIK itself, not a digest: the job reads every NIK of the registry already, an unkeyed
-- digest of 16 structured digits is reversed by enumeration, and a keyed one would need a
-- key of its own that outlives every VA key (docs/design.md). Only the job may read it; no
-- reporting view shows it. Keyed by NIK: the night looks up tonight's NIKs.
CREATE TABLE disbursement.participant_niks (
    nik           text   NOT NULL CHECK (octet_length(nik) = 16 AND nik ~ '^[0-9]+$'),
    registrant_id bigint NOT NULL,
    recorded_on   date   NOT NULL,
    PRIMARY KEY (nik, registrant_id)
);

-- Participants numbered before this migration, under the NIK the registry gives them now (when
-- it is valid and nobody else's), if the migrating role may read it; otherwise the night
-- records each of them the next time it pays them.
DO $$
BEGIN
    IF to_regclass('registry.registrants') IS NOT NULL THEN
        IF has_column_privilege('registry.registrants', 'nik', 'SELECT')
           AND has_column_privilege('registry.registrants', 'registrant_id', 'SELECT') THEN
            INSERT INTO disbursement.participant_niks (nik, registrant_id, recorded_on)
            SELECT r.nik, v.registrant_id, v.issued_on
              FROM disbursement.virtual_accounts v
              JOIN registry.registrants r ON r.registrant_id = v.registrant_id
             WHERE octet_length(r.nik) = 16 AND r.nik ~ '^[0-9]+$'
               AND NOT EXISTS (SELECT 1 FROM registry.registrants o
                                WHERE o.nik = r.nik AND o.registrant_id IS DISTINCT FROM r.registrant_id)
            ON CONFLICT DO NOTHING;
        END IF;
    END IF;
END
$$;
