-- A funnel snapshot is out of date once a night, a reconciliation or a settlement
-- (`disburse resolve`, which can move a payout to PAID or away from it) has finished since it
-- was taken. The view is 0012's with 'resolve' added; it keeps its columns and grants.
CREATE OR REPLACE VIEW disbursement_reports.funnel_snapshots AS
SELECT s.snapshot_id, s.taken_at, s.seconds,
       s.taken_at > coalesce((SELECT max(l.finished_at) FROM disbursement.run_log l
                               WHERE l.command IN ('run', 'reconcile', 'resolve') AND NOT l.dry_run
                                 AND l.outcome = 'succeeded'),
                             '-infinity') AS up_to_date
  FROM disbursement.funnel_snapshots s;
