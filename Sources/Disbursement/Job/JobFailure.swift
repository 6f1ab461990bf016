/// Any error, as the exit status and the one sentence the operator reads. Used by the job
/// frame for the run log and by the executable for the process, so the two always agree.
public struct JobFailure: Sendable {
    public let status: ExitStatus
    public let sentence: String

    public init(_ error: any Error) {
        switch error {
        case let error as any OperatorError:
            (status, sentence) = (error.category.exitStatus, error.description)
        case let error as AtomicFile.IOFailure:
            (status, sentence) = (.failure, error.description)
        case let error as PostgresError:
            (status, sentence) = Self.classify(error)
        default:
            (status, sentence) = (
                .failure,
                "Unexpected failure: \(Masking.digitRuns(String(describing: error))). Nothing was half-written; the run can be repeated."
            )
        }
    }

    private static func classify(_ error: PostgresError) -> (ExitStatus, String) {
        if error.isUnavailable {
            return (.unavailable, "The database is unavailable: \(error.message). Check DATABASE_URL / PGHOST and that PostgreSQL is running, then retry.")
        }
        switch error.sqlState {
        case "42501":
            return (.configuration, "This database role may not do that (\(Masking.digitRuns(error.message))): run migrate as disburse_owner, run and reconcile as disburse_job, reports as disburse_finance (docs/operations.md, sql/roles.sql).")
        case "42P01", "3F000":
            return (.configuration, "The database has no disbursement schema or registry table (\(Masking.digitRuns(error.message))): run `disburse migrate` and check you are on the right database.")
        default:
            return (.failure, "A database statement failed: \(error). Nothing was half-written; the run can be repeated.")
        }
    }
}
