import Disbursement

/// The only place that knows the process exit codes (SPEC §5).
enum ExitCodes {
    static let reconcileExceptions: Int32 = 3
    static let inputInvalid: Int32 = 65

    static func classify(_ error: any Error) -> (Int32, String) {
        if let error = error as? any OperatorError {
            switch error.category {
            case .usage: return (64, error.description)
            case .inputInvalid: return (65, error.description)
            case .unavailable: return (69, error.description)
            case .busy: return (75, error.description)
            case .configuration: return (78, error.description)
            case .inconsistent: return (1, error.description)
            }
        }
        if let error = error as? AtomicFile.IOFailure { return (1, error.description) }
        if let error = error as? PostgresError {
            if error.isUnavailable {
                return (69, "The database is unavailable: \(error.message). Check DATABASE_URL / PGHOST and that PostgreSQL is running, then retry.")
            }
            if error.sqlState == "42501" {
                return (78, "This database role may not do that (\(Masking.digitRuns(error.message))): run migrate as disburse_owner, run and reconcile as disburse_job, reports as disburse_finance (docs/operations.md, sql/roles.sql).")
            }
            if error.sqlState == "42P01" || error.sqlState == "3F000" {
                return (78, "The database has no disbursement schema or registry table (\(Masking.digitRuns(error.message))): run `disburse migrate` and check you are on the right database.")
            }
            return (1, "A database statement failed: \(error). Nothing was half-written; the run can be repeated.")
        }
        return (1, "Unexpected failure: \(Masking.digitRuns(String(describing: error))). Nothing was half-written; the run can be repeated.")
    }
}
