/// One payout as it goes into a channel's files, read back from the recorded batch.
public struct PayoutLine: Sendable, Equatable {
    public var endToEndId: String
    public var channel: String
    public var accountNo: String
    public var accountName: String
    public var amount: Int64
    public var kind: String
    public var number: Int
    public var va: String

    public init(endToEndId: String, channel: String, accountNo: String, accountName: String, amount: Int64,
                kind: String, number: Int, va: String)
    {
        self.endToEndId = endToEndId
        self.channel = channel
        self.accountNo = accountNo
        self.accountName = accountName
        self.amount = amount
        self.kind = kind
        self.number = number
        self.va = va
    }

    /// What the payment is for, as the participant's bank statement shows it.
    var remittance: String {
        switch EntitlementKind(rawValue: kind) {
        case .training: return "PRAKERJA TRAINING BALANCE VA \(va)"
        case .incentive: return "PRAKERJA INCENTIVE \(number) VA \(va)"
        case .survey: return "PRAKERJA SURVEY \(number) VA \(va)"
        case nil: return "PRAKERJA \(kind) \(number) VA \(va)"
        }
    }
}

/// One file of a batch as the manifest vouches for it.
public struct FileEntry: Codable, Equatable, Sendable {
    public var name: String
    public var sha256: String
    public var rows: Int
    public var sum: Int64
}
