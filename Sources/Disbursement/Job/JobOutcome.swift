/// How a job ended, as `disbursement.run_log.outcome` stores it (the CHECK of migrations 0001, 0026).
public enum JobOutcome: String, Codable, Sendable {
    case running
    case succeeded
    case failed
    /// The job did nothing: another held the lock, or the database was not one it may change.
    case refused
    /// Its database session ended before it recorded an outcome; marked by a later run (0026).
    case abandoned
}
