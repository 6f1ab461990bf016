/// How a job ended, as `disbursement.run_log.outcome` stores it (migration 0001's CHECK).
public enum JobOutcome: String, Codable, Sendable {
    case running
    case succeeded
    case failed
    /// The job did nothing: another held the lock, or the database was not one it may change.
    case refused
}
