-- SHARED_ACCOUNT (issue 13, F7): one bank account or e-wallet number is paid to one registrant
-- only. Numbers are compared by provider and a key that ignores what does not tell accounts
-- apart: blanks, dashes and other separators, and letter case ('0012 345-a' is '0012345A').
-- E-wallet numbers are already in their canonical 62… form when the key is taken. Written
-- with translate, not upper: upper follows the database's locale (Turkish 'i').
CREATE FUNCTION disbursement.account_key(account_no text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(regexp_replace(coalesce(account_no, ''), '[^0-9A-Za-z]', '', 'g'),
                     'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
$$;

-- Numbers already paid to someone: the night looks up tonight's numbers here. Channel, kind and
-- account number never change after a payout is written, so reconciliation's status updates
-- stay HOT (migration 0004).
CREATE INDEX payouts_by_account ON disbursement.payouts (channel, disbursement.account_key(account_no))
    WHERE kind <> 'TRAINING';
