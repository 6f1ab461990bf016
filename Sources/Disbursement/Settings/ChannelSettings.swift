/// One payout channel: a bank or e-wallet provider, or `VA` for training credits to the
/// participants' virtual accounts at the issuing bank.
public struct ChannelSettings: Sendable, Equatable, Codable {
    public var code: String
    public var enabled: Bool
    public var debtorName: String
    public var debtorAccount: String
    public var debtorAgentBIC: String
    /// The receiving institution's BIC; absent for e-wallets without one.
    public var creditorAgentBIC: String?
}
