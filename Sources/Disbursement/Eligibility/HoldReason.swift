/// Why a due entitlement is not paid today (SPEC §3). The raw values are the interface:
/// reports, files and finance's spreadsheets use them. Order is precedence: the first that
/// applies is the one recorded.
public enum HoldReason: String, CaseIterable, Sendable, Codable {
    case notApproved = "NOT_APPROVED"
    case duplicateDecree = "DUPLICATE_DECREE"
    case invalidNIK = "INVALID_NIK"
    case duplicateNIK = "DUPLICATE_NIK"
    case noLinkedAccount = "NO_LINKED_ACCOUNT"
    case accountNotActive = "ACCOUNT_NOT_ACTIVE"
    case accountNotUpgraded = "ACCOUNT_NOT_UPGRADED"
    case accountOwnerMismatch = "ACCOUNT_OWNER_MISMATCH"
    case phoneMismatch = "PHONE_MISMATCH"
    case unsupportedChannel = "UNSUPPORTED_CHANNEL"
    case retryLimit = "RETRY_LIMIT"
    case permanentFailure = "PERMANENT_FAILURE"
}
