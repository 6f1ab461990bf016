-- The recipient and signer key fingerprints a PREPARED file was encrypted and signed for
-- (finding F23 of attack 17): a file spooled before a channel rotated its key is encrypted
-- again for the new key instead of being sent to the old one. NULL (rows before this
-- migration) never matches, so such a PREPARED file is encrypted again too, which is safe: a
-- PREPARED file is not at the channel under its final name.
ALTER TABLE disbursement.deliveries ADD COLUMN prepared_for text;
