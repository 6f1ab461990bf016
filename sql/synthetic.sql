-- A synthetic registry for the demo, the tests and the benchmark: the programme's real funnel
-- (SPEC §1) and the dirty data real registries have. Set-based and deterministic: every
-- choice is a hash of (seed, registrant, purpose), never random(), so the same seed gives
-- the same registry on any machine, and generating in parallel changes nothing.
--
--   SELECT synthetic.generate(registrants => 100000, seed => 7, business_date => '2020-06-01');
--
-- approved_share (default 0.19) plus the 4 % of dirty cases is the share approved by decree.
--
-- Registrants whose id mod 500 is below 20 are the guaranteed dirty cases (4 %), one kind
-- each, all approved and trained, so even 2,000 registrants hold several of every kind:
--    0 NIK of 15 digits          1 NIK with a letter          2 NIK with a space
--    3 NIK of registrant id+5    4 in two decrees             5 revoked
--    6 e-wallet number ≠ phone   7 owner NIK ≠ NIK            8 inactive account
--    9 only a closed account    10 e-wallet not upgraded     11 unsupported provider (JENIUS)
--   12 no account               13 older closed + newer active account
--   14 name with ' & < " , and non-ASCII letters             15 completion without certificate
--   16 completion with a blank review                        17-19 ordinary
CREATE SCHEMA IF NOT EXISTS synthetic;

CREATE OR REPLACE FUNCTION synthetic.u(seed int, id bigint, salt int) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashint8extended(id, seed::bigint * 7919 + salt) & 2147483647)::double precision / 2147483648.0 $$;

CREATE OR REPLACE FUNCTION synthetic.pick(seed int, id bigint, salt int, choices text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT choices[1 + floor(synthetic.u(seed, id, salt) * array_length(choices, 1))::int] $$;

-- One of the 34 provinces (2020), by BPS code: also the first two digits of the NIK.
CREATE OR REPLACE FUNCTION synthetic.province(seed int, id bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT synthetic.pick(seed, id, 3, ARRAY['11','12','13','14','15','16','17','18','19','21','31','32','33','34','35','36',
                                            '51','52','53','61','62','63','64','65','71','72','73','74','75','76','81','82','91','94']) $$;

-- The wave a registrant is approved in, by the waves' relative sizes (2020: 168k, 288k, … 3.9 M by wave 7).
CREATE OR REPLACE FUNCTION synthetic.wave(x double precision) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN x < 0.043 THEN 1 WHEN x < 0.117 THEN 2 WHEN x < 0.207 THEN 3 WHEN x < 0.323 THEN 4
               WHEN x < 0.478 THEN 5 WHEN x < 0.710 THEN 6 ELSE 7 END $$;

CREATE OR REPLACE FUNCTION synthetic.generate(registrants int, seed int DEFAULT 1, business_date date DEFAULT DATE '2020-06-01',
                                              approved_share double precision DEFAULT 0.19)
    RETURNS void LANGUAGE plpgsql AS
$fn$
DECLARE
    first_decree date := business_date - 53;
BEGIN
    TRUNCATE registry.registrants, registry.decrees, registry.decree_members, registry.training_completions,
             registry.survey_responses, registry.payout_accounts;

    -- Seven waves a week apart; the first one's payout window closes 45 days after the
    -- business date, so a demo of three monthly nights shows expiry.
    INSERT INTO registry.decrees
    SELECT format('SK-%s/2020', lpad(w::text, 3, '0')), w, first_decree + (w - 1) * 7,
           1000000, 600000, 4, 30, 50000, 3, CASE WHEN w = 1 THEN business_date + 45 END
      FROM generate_series(1, 7) AS w;

    CREATE TEMP TABLE syn ON COMMIT DROP AS
    SELECT id, id % 500 AS k,
           (id % 500 < 20 OR synthetic.u(seed, id, 1) < approved_share) AS approved,
           synthetic.wave(synthetic.u(seed, id, 2)) AS wave,
           synthetic.province(seed, id) AS province,
           '62812' || lpad((hashint8extended(id, seed) & 99999999)::text, 8, '0') AS phone
      FROM generate_series(1, registrants) AS id;

    INSERT INTO registry.registrants
    SELECT s.id,
           CASE s.k
             WHEN 0 THEN left(n.nik, 15)
             WHEN 1 THEN left(n.nik, 10) || 'A' || right(n.nik, 5)
             WHEN 2 THEN left(n.nik, 6) || ' ' || right(n.nik, 10)
             ELSE n.nik END,
           CASE WHEN s.k = 14 THEN 'Nur''aini "Ayu" <Sari>, & Ñúñez'
                ELSE synthetic.pick(seed, s.id, 4, ARRAY['Siti','Budi','Dewi','Agus','Nur''aini','Rina','Joko','Made','Ketut',
                         'Putu','Ayu','Rizky','Fajar','Intan','Wahyu','Sri','Eko','Dian','Ani','Yusuf','José','Ñoman'])
                     || ' ' || synthetic.pick(seed, s.id, 5, ARRAY['Santoso','Wijaya','Hartono','Saputra','Lestari','Kusuma',
                         'Pratama','Nugroho','Ma''ruf','Simanjuntak','Siregar','Hutapea','Panjaitan','Daeng','Hasibuan',
                         'Halim & Putra','Situmorang','Muñoz','Sitompul','D''Souza']) END,
           DATE '1965-01-01' + floor(synthetic.u(seed, s.id, 6) * 12000)::int,
           s.phone,
           'user' || s.id || '@example.id',
           s.province,
           TIMESTAMPTZ '2020-04-11 00:00+07' + synthetic.u(seed, s.id, 7) * INTERVAL '20 days',
           CASE WHEN synthetic.u(seed, s.id, 8) < 0.78 THEN TIMESTAMPTZ '2020-04-12 00:00+07' + synthetic.u(seed, s.id, 9) * INTERVAL '20 days' END,
           CASE WHEN s.approved OR synthetic.u(seed, s.id, 10) < 0.50 THEN TIMESTAMPTZ '2020-04-12 00:00+07' + synthetic.u(seed, s.id, 11) * INTERVAL '20 days' END,
           CASE WHEN synthetic.u(seed, s.id, 12) < (CASE WHEN s.approved THEN 0.9 ELSE 0.42 END) THEN TIMESTAMPTZ '2020-04-12 00:00+07' + synthetic.u(seed, s.id, 13) * INTERVAL '20 days' END
      FROM syn s
      CROSS JOIN LATERAL (
          -- Kind 3 carries the NIK of registrant id+5, province digits included.
          SELECT CASE WHEN s.k = 3 THEN synthetic.province(seed, s.id + 5) ELSE s.province END
                 || lpad((hashint8extended(CASE WHEN s.k = 3 THEN s.id + 5 ELSE s.id END, seed + 1) & 99999999999999)::text, 14, '0') AS nik
      ) n;

    INSERT INTO registry.decree_members
    SELECT format('SK-%s/2020', lpad(s.wave::text, 3, '0')), s.id,
           CASE WHEN s.k = 5 OR synthetic.u(seed, s.id, 14) < 0.01 THEN 'revoked' ELSE 'approved' END,
           TIMESTAMPTZ '2020-04-09 00:00+07' + (s.wave - 1) * INTERVAL '7 days'
      FROM syn s WHERE s.approved;
    -- Kind 4: also in the next wave's decree, which is a data error upstream.
    INSERT INTO registry.decree_members
    SELECT format('SK-%s/2020', lpad((s.wave % 7 + 1)::text, 3, '0')), s.id, 'approved', TIMESTAMPTZ '2020-05-25 00:00+07'
      FROM syn s WHERE s.approved AND s.k = 4;

    INSERT INTO registry.training_completions
    SELECT s.id, 'C-' || (1 + floor(synthetic.u(seed, s.id, 15) * 900))::int,
           d.issued_on + (3 + floor(synthetic.u(seed, s.id, 16) * 40))::int + TIME '10:00' AT TIME ZONE 'Asia/Jakarta',
           CASE WHEN s.k = 15 OR (s.k >= 20 AND synthetic.u(seed, s.id, 17) < 0.03) THEN NULL ELSE 'CERT-' || s.id END,
           CASE WHEN s.k >= 20 AND synthetic.u(seed, s.id, 18) < 0.03 THEN NULL ELSE 1 + floor(synthetic.u(seed, s.id, 19) * 5)::int END,
           CASE WHEN s.k = 16 THEN '   ' WHEN s.k >= 20 AND synthetic.u(seed, s.id, 20) < 0.03 THEN NULL ELSE 'Materinya bermanfaat' END
      FROM syn s JOIN registry.decrees d ON d.wave = s.wave
     WHERE s.approved AND (s.k < 20 OR synthetic.u(seed, s.id, 21) < 0.60);

    INSERT INTO registry.survey_responses
    SELECT c.registrant_id, n, c.completed_at + n * INTERVAL '12 days'
      FROM registry.training_completions c CROSS JOIN generate_series(1, 3) AS n
     WHERE synthetic.u(seed, c.registrant_id, 21 + n) < 0.8 - 0.2 * n;

    -- The account in force (id*10+2) and, for some, an older closed one (id*10+1).
    INSERT INTO registry.payout_accounts
    SELECT s.id * 10 + 2, s.id, p.provider, p.kind,
           CASE WHEN p.kind = 'bank' THEN lpad((hashint8extended(s.id, seed + 2) & 9999999999)::text, 10, '0')
                WHEN s.k = 6 OR (s.k >= 20 AND synthetic.u(seed, s.id, 26) < 0.03) THEN '62813' || lpad((s.id % 99999999)::text, 8, '0')
                ELSE s.phone END,
           r.full_name,
           CASE WHEN s.k = 7 OR (s.k >= 20 AND synthetic.u(seed, s.id, 27) < 0.01) THEN '3171999900000000' ELSE r.nik END,
           NOT (s.k = 10 OR (s.k >= 20 AND synthetic.u(seed, s.id, 28) < 0.08)),
           CASE WHEN s.k = 8 OR (s.k >= 20 AND synthetic.u(seed, s.id, 29) < 0.02) THEN 'inactive'
                WHEN s.k = 9 THEN 'closed' ELSE 'active' END,
           d.issued_on - 2 + floor(synthetic.u(seed, s.id, 30) * 20)::int + TIME '09:00' AT TIME ZONE 'Asia/Jakarta',
           d.issued_on + 20 + TIME '09:00' AT TIME ZONE 'Asia/Jakarta'
      FROM syn s
      JOIN registry.registrants r ON r.registrant_id = s.id
      JOIN registry.decrees d ON d.wave = s.wave
      CROSS JOIN LATERAL (
          SELECT CASE WHEN s.k = 11 OR (s.k >= 20 AND synthetic.u(seed, s.id, 31) < 0.003) THEN 'JENIUS'
                      WHEN s.k IN (6, 10) THEN 'OVO'
                      ELSE synthetic.pick(seed, s.id, 32, ARRAY['BNI','BNI','BNI','BNI','BCA','BCA','BCA','OVO','OVO','OVO','OVO',
                                                                 'GOPAY','GOPAY','GOPAY','GOPAY','DANA','DANA','DANA','LINKAJA','LINKAJA']) END AS provider
      ) q
      CROSS JOIN LATERAL (SELECT q.provider, CASE WHEN q.provider IN ('BNI', 'BCA', 'JENIUS') THEN 'bank' ELSE 'ewallet' END AS kind) p
     WHERE s.approved AND s.k <> 12 AND (s.k < 20 OR synthetic.u(seed, s.id, 33) < 0.90);

    INSERT INTO registry.payout_accounts
    SELECT a.account_id - 1, a.registrant_id, 'BCA', 'bank', '0099' || a.registrant_id, a.account_name, a.owner_nik, true,
           'closed', a.linked_at - INTERVAL '30 days', a.linked_at
      FROM registry.payout_accounts a JOIN syn s ON s.id = a.registrant_id
     WHERE s.k = 13 OR (s.k >= 20 AND synthetic.u(seed, s.id, 34) < 0.05);

    ANALYZE registry.registrants, registry.decrees, registry.decree_members, registry.training_completions,
            registry.survey_responses, registry.payout_accounts;
END
$fn$;
