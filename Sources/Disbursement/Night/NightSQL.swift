/// The night's own statements around the stages (whose statements are in `EligibilitySQL` and
/// `ConflictHoldSQL`), in the order `NightlyRun` runs them: the batch row, session settings,
/// and statistics for the temporary tables between stages.
enum NightSQL {
    /// $1: a business date; its batch's summary when it is recorded already.
    static let recordedSummary = "SELECT summary::text FROM disbursement.batches WHERE business_date = $1"

    /// The latest recorded business date (batches move forward only).
    static let latestBatch = "SELECT max(business_date) FROM disbursement.batches"

    /// The whole night reads the registry as of one moment. Under READ COMMITTED each statement
    /// saw the rows committed so far, so a row the platform committed mid-night could be in one
    /// count and not in another (the row-count guard then missed a deletion, attack 27 F4).
    /// No one else updates or deletes a row the night updates: the jobs that do (run,
    /// reconcile, resolve, deliver, collect) take the run lock, and the others (approve and
    /// reject, the funnel's refresh, statement lookups) only insert rows of their own or update
    /// rows the night never updates; so the night cannot fail on a serialization conflict
    /// (attack 28 rejected a batch mid-night: the night went on).
    static let oneSnapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"

    /// The night's statements touch every participant once: JIT compilation costs more than it
    /// saves on them, and sorts and hashes of a national batch need more than the default memory.
    static let noJIT = "SET LOCAL jit = off"
    static let workMemory = "SET LOCAL work_mem = '256MB'"

    /// The batch row, with an empty summary until `recordSummary`.
    static func recordBatch(date: BusinessDate, runID: Int64, settings: Settings) -> SQLQuery {
        """
        INSERT INTO disbursement.batches (business_date, run_id, created_at, tool_version, settings_fingerprint, summary)
        VALUES (\(date), \(runID), date_trunc('second', now()), \(ToolVersion.current), \(settings.fingerprint), '{}')
        """
    }

    static let analyzeMembers = "ANALYZE run_member"

    /// The planner must see the numbers just issued (a million rows its statistics do not know
    /// yet), or it plans the joins below for an empty table.
    static let refreshVirtualAccountStatistics = "SELECT disbursement.refresh_statistics('virtual_accounts')"

    static let analyzeSchemes = "ANALYZE run_scheme"
    static let analyzeEntitlements = "ANALYZE run_entitlement"
    /// Only the columns later statements join or filter on: the names and numbers are wide
    /// text, and their histograms cost 0.2–0.4 s a full night at 1 M registrants.
    static let analyzePersons = "ANALYZE run_person (registrant_id, provider, account_key, nik, nik_valid, nik_duplicate, account_shared)"
    static let analyzeConflicts = "ANALYZE run_conflict"
    static let analyzeDecisions = "ANALYZE run_decision (registrant_id, kind, number, reason, channel)"

    /// Reconciliation often follows a night at once, before autovacuum has looked at the new
    /// payouts; with no statistics its joins were planned for an empty table. Only when the
    /// batch is a tenth of what the statistics know (autovacuum's own threshold): a quiet
    /// night's few thousand payouts change no plan, and the sample cost 0.3 s of its 5.5 s.
    /// $1: the payouts just written.
    static let refreshPayoutStatistics = """
        SELECT disbursement.refresh_statistics('payouts')
          FROM pg_catalog.pg_class
         WHERE oid = 'disbursement.payouts'::regclass AND $1::bigint * 10 >= greatest(reltuples, 0)
        """

    /// $1: the business date, $2: the summary (JSON, snake_case keys).
    static let recordSummary = "UPDATE disbursement.batches SET summary = $2::jsonb WHERE business_date = $1"
}
