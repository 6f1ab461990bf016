-- ANALYZE needs the table's owner, and the nightly job does not own the tables it fills (it
-- must not: an owner can delete, alter and drop). This function runs as the schema's owner and
-- analyses only the tables the night and reconciliation have just filled, so the planner
-- knows them at once, under least-privilege roles too.
CREATE FUNCTION disbursement.refresh_statistics(table_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    CASE table_name
        WHEN 'payouts' THEN ANALYZE disbursement.payouts;
        WHEN 'virtual_accounts' THEN ANALYZE disbursement.virtual_accounts;
        ELSE RAISE EXCEPTION 'refresh_statistics: % is not a table the job refreshes', table_name
             USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;
REVOKE ALL ON FUNCTION disbursement.refresh_statistics(text) FROM PUBLIC;
