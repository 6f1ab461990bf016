/// Why a batch could not be approved or rejected, in the words an approver needs.
public enum ReleaseError: OperatorError, Equatable {
    case noBatch(BusinessDate)
    case notWritten(BusinessDate)
    case alreadyDecided(BusinessDate)
    case answered(BusinessDate)
    case delivered(BusinessDate)
    case confirmationMismatch(BusinessDate)
    case sameLogin(BusinessDate, String?)
    case reasonMissing

    /// The refusals of `disbursement.decide_batch` (migration 0016), by SQLSTATE and message.
    init?(_ error: PostgresError, date: BusinessDate, madeBy: String?) {
        switch error.sqlState {
        case "P0002": self = .noBatch(date)
        case "42501" where error.message.contains("made the batch"): self = .sameLogin(date, madeBy)
        case "22023" where error.message.contains("manifest"): self = .confirmationMismatch(date)
        case "55000" where error.message.contains("not written"): self = .notWritten(date)
        case "55000" where error.message.contains("already"): self = .alreadyDecided(date)
        case "55000" where error.message.contains("answered"): self = .answered(date)
        case "55000" where error.message.contains("delivered"): self = .delivered(date)
        default: return nil
        }
    }

    public var category: FailureCategory { .usage }

    public var description: String {
        switch self {
        case .noBatch(let date):
            "There is no batch for \(date): run the night for that date first, or check the date."
        case .notWritten(let date):
            "The files of the batch for \(date) are not written yet: run `disburse run --date \(date)` again to finish them, then approve."
        case .alreadyDecided(let date):
            "The batch for \(date) was approved or rejected already; a decision is never changed (see `disburse approve \(date)`)."
        case .answered(let date):
            "A channel has already answered for payouts of the batch for \(date), so it was sent: it cannot be rejected; reconcile it instead."
        case .delivered(let date):
            "Files of the batch for \(date) have gone (or are going) to a channel, which may pay them: it cannot be rejected; reconcile it instead."
        case .confirmationMismatch(let date):
            "The hash you typed is not the start of the manifest hash of the batch for \(date): run `disburse approve \(date)` to see it again, and type at least its first \(BatchRelease.confirmationLength) characters."
        case .sameLogin(let date, let maker):
            "The batch for \(date) was made by the database login \(maker ?? "that ran the night"); another login must decide it (four eyes): connect as your own approver login."
        case .reasonMissing:
            "A rejection needs a reason (--reason TEXT) for the record."
        }
    }
}
