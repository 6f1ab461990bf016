/// What reconciliation decided for one status line (`ReconciliationSQL.decisions`): move the
/// payout, leave it as it is (the status is already known or passed), or an exception for
/// finance with its kind (`UNKNOWN_REFERENCE`, `AMOUNT_MISMATCH`, `STATUS_CONFLICT`, …, the
/// codes of SPEC §7, which the SQL writes and the reports show as they are).
enum ReconciliationDecision: Equatable, Sendable {
    case apply
    case unchanged
    case exception(String)

    init(code: String) {
        switch code {
        case "APPLY": self = .apply
        case "UNCHANGED": self = .unchanged
        default: self = .exception(code)
        }
    }
}
