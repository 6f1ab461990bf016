-- JSON the tool keeps in the database uses snake_case keys (issue 16). Batches and status
-- files recorded before this migration had the Swift property names; they are renamed here so
-- a re-run of an old date and `report reconciliation` read one form. The run log's counts
-- stay as written: the run log is append-only (migrations 0021, 0025, 0026).
UPDATE disbursement.batches
   SET summary = (summary - 'businessDate' - 'virtualAccountsIssued' - 'expiredCount' - 'expiredAmount')
              || jsonb_strip_nulls(jsonb_build_object(
                     'business_date', summary -> 'businessDate',
                     'virtual_accounts_issued', summary -> 'virtualAccountsIssued',
                     'expired_count', summary -> 'expiredCount',
                     'expired_amount', summary -> 'expiredAmount'))
 WHERE summary ?| ARRAY['businessDate', 'virtualAccountsIssued', 'expiredCount', 'expiredAmount'];

UPDATE disbursement.status_files
   SET summary = (summary - 'alreadyImported' - 'exceptionAmount' - 'matchedAmount')
              || jsonb_strip_nulls(jsonb_build_object(
                     'already_imported', summary -> 'alreadyImported',
                     'exception_amount', summary -> 'exceptionAmount',
                     'matched_amount', summary -> 'matchedAmount'))
 WHERE summary ?| ARRAY['alreadyImported', 'exceptionAmount', 'matchedAmount'];
