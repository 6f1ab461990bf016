/// Why `deliver` refused a batch it was asked for by date.
public enum DeliveryError: OperatorError, Equatable {
    case notApproved(BusinessDate)

    public var category: FailureCategory { .usage }

    public var description: String {
        switch self {
        case .notApproved(let date):
            "The batch for \(date) is not approved (release.approval = \"required\"): nothing was sent. Another login approves it with `disburse approve \(date)`."
        }
    }
}
