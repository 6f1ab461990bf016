/// A failure while writing the files of a batch that is already recorded (committed): the
/// operator must not read "nothing was half-written" then, since the batch exists and only its
/// files are missing; the next run (or a re-run of the date) finishes them from the record.
public struct FilesUnfinishedError: OperatorError, Sendable {
    public let description: String
    public let category: FailureCategory

    init(date: String, cause: any Error) {
        let detail: String
        if let cause = cause as? PostgresError {
            detail = cause.description
            category = cause.isUnavailable ? .unavailable : .inconsistent
        } else {
            detail = Masking.digitRuns(String(describing: cause))
            category = .inconsistent
        }
        description = "The batch of \(date) is recorded, but its files could not be written: \(detail). Nothing is paid twice: once the cause is fixed, the next run (or `disburse run` for \(date) again) writes the same files from the record."
    }
}
