-- Phone numbers are also written with the country code and the trunk 0 both (+62 0812…) or
-- with the international prefix 00 (0062 812…). Both read as 62812…, as 0812… does: before,
-- they became 620812… and 6262812…, so one e-wallet number written two ways was two numbers
-- and escaped SHARED_ACCOUNT (attack on 8e87490, F3). No Indonesian number has a 0 after 62.
-- Still a single expression the planner inlines; no index uses it (payouts keep the number
-- as written at the time, migration 0022's index reads that).
CREATE OR REPLACE FUNCTION disbursement.normalize_phone(phone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'),
                                                               '^0062', '62'), '^620', '62'), '^0', '62'), '')
$$;
