/// Why a due entitlement is not paid today (SPEC §3). The raw values are the interface:
/// reports, files and finance's spreadsheets use them. Order is precedence: the first that
/// applies is the one recorded.
public enum HoldReason: String, CaseIterable, Sendable, Codable {
    /// A channel contradicted itself about a payout of the entitlement (SPEC §7): first, since
    /// money may have moved; held until finance settles it with `disburse resolve`.
    case statusConflict = "STATUS_CONFLICT"
    case notApproved = "NOT_APPROVED"
    case duplicateDecree = "DUPLICATE_DECREE"
    /// The member's decree is missing, listed twice, or has a NULL or implausible date,
    /// amount, count or interval: its members are held, the night goes on (SPEC §3).
    case invalidDecree = "INVALID_DECREE"
    /// Not in SPEC §3: a registrant id of 0, below 0 or over 18 digits, which the end-to-end id
    /// (`EndToEndID`) cannot carry so that a channel's answer finds the payout again.
    case invalidRegistrantID = "INVALID_REGISTRANT_ID"
    case invalidNIK = "INVALID_NIK"
    case duplicateNIK = "DUPLICATE_NIK"
    /// Not in SPEC §3 (issue 13, F5): the NIK was recorded for another registrant_id when that
    /// one got its VA or was paid: the same person registered again. Released when the registry
    /// no longer gives this registrant that NIK, or when the owner removes the other's record
    /// after finance finds two people (docs/operations.md).
    case reregisteredNIK = "REREGISTERED_NIK"
    /// Not in SPEC §3 (issue 13, F3): the completion that first qualified (the day the tool
    /// kept) no longer qualifies in the registry (review blanked, rating or certificate
    /// changed). The incentives and surveys counted from that day are held, not dropped, and
    /// the night warns; released when a completion qualifies on or before that day again.
    case completionWithdrawn = "COMPLETION_WITHDRAWN"
    case noLinkedAccount = "NO_LINKED_ACCOUNT"
    case accountNotActive = "ACCOUNT_NOT_ACTIVE"
    /// The account's `kind` is NULL or not the kind the settings give its provider's channel.
    /// Checked before the e-wallet rules, which follow the channel's kind.
    case accountKindMismatch = "ACCOUNT_KIND_MISMATCH"
    case accountNotUpgraded = "ACCOUNT_NOT_UPGRADED"
    case accountOwnerMismatch = "ACCOUNT_OWNER_MISMATCH"
    case phoneMismatch = "PHONE_MISMATCH"
    /// Not in SPEC §3 (issue 13, F7): the account's number (provider and number without
    /// separators or case) is in force for another registrant too, or was paid to another
    /// registrant before. All of them are held; finance decides by fixing the registry.
    case sharedAccount = "SHARED_ACCOUNT"
    /// Not in SPEC §3 (whose set "may grow"): an account number a payment file cannot carry
    /// as it is (empty, over the 34 characters of ISO 20022, not starting with a letter or
    /// digit, or with characters no bank number has; an e-wallet number that is not 8 to 15
    /// digits once written as 62…). Cutting or cleaning it could pay a stranger.
    case invalidAccountNo = "INVALID_ACCOUNT_NO"
    case unsupportedChannel = "UNSUPPORTED_CHANNEL"
    case retryLimit = "RETRY_LIMIT"
    case permanentFailure = "PERMANENT_FAILURE"
}
