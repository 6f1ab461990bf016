/// What a channel pays into. The payable kind of an account comes from here, never from the
/// registry row: a row whose `kind` is NULL or another is held `ACCOUNT_KIND_MISMATCH`.
public enum ChannelKind: String, Sendable, Equatable, Codable {
    case bank
    case ewallet
    /// The `VA` channel: training credits to the participants' virtual accounts.
    case virtualAccount = "va"
}

/// One payout channel: a bank or e-wallet provider, or `VA` for training credits to the
/// participants' virtual accounts at the issuing bank.
public struct ChannelSettings: Sendable, Equatable, Codable {
    public var code: String
    public var kind: ChannelKind
    public var enabled: Bool
    public var debtorName: String
    public var debtorAccount: String
    public var debtorAgentBIC: String
    /// The receiving institution's BIC; absent for e-wallets without one.
    public var creditorAgentBIC: String?
}
