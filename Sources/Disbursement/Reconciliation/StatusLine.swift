import Foundation

/// What a channel says about one payout.
public enum PayoutStatus: String, Sendable, CaseIterable, Codable {
    case paid = "PAID", failed = "FAILED", returned = "RETURNED", pending = "PENDING"
}

/// What a status is about: one payout, or (pain.002) every payout of a payment block or of a
/// whole pain.001 message that has no status of its own in the same report.
public enum StatusScope: String, Sendable {
    case transaction = "TX", block = "BLOCK", group = "GROUP"
}

/// One answer read from a status file.
public struct StatusLine: Sendable, Equatable {
    /// The CSV line where the record starts, or the ordinal of the status in a pain.002 report
    /// (transactions, blocks and the group, in the order they end).
    public var lineNumber: Int
    /// The payout's reference; for a block or group status the pain.001 block or message id.
    /// Empty when the status names nothing.
    public var endToEndId: String
    /// Nil for a code the tool does not know (`statusCode` says which): an UNKNOWN_STATUS exception.
    public var status: PayoutStatus?
    /// Whole rupiah, when the file states it.
    public var amount: Int64?
    /// Above this a status file is malformed (SPEC §7): no payout comes near, and sums of a
    /// file's amounts stay far inside Int64.
    public static let maximumAmount: Int64 = 1_000_000_000_000
    public var reasonCode: String?
    public var reasonText: String?
    public var settledAt: String?
    public var scope: StatusScope = .transaction
    /// The status code as written, when it is not one the tool knows (digit runs masked).
    public var statusCode: String?
    /// What the file says when it cannot be a rupiah amount of ours (a fraction, another
    /// currency): an AMOUNT_MISMATCH exception, with `amount` nil.
    public var amountNote: String?
    /// The fields the file writes otherwise than the values above say plainly (another case,
    /// padding, decimals, another code for the same status…), as written (`noteWritten`); nil
    /// when there is none. Two lines are the same line (DUPLICATE_LINE) only when the values
    /// above and this agree: only a line written alike is a duplicate (docs/design.md).
    public var asWritten: String?

    /// Notes that field number `field` is written `written` (nil: absent) instead of plainly:
    /// its number, then its length and text, so no two sets of fields give one form.
    mutating func noteWritten(_ field: Int, _ written: String?) { Self.note(&asWritten, field, written) }

    static func note(_ form: inout String?, _ field: Int, _ written: String?) {
        var notes = form ?? ""
        notes += String(field)
        if let written {
            notes += "=" + String(written.utf8.count) + ":" + written
        } else {
            notes += "-"
        }
        form = notes
    }

    public init(
        lineNumber: Int, endToEndId: String, status: PayoutStatus?, amount: Int64?, reasonCode: String?, reasonText: String?,
        settledAt: String?
    ) {
        self.lineNumber = lineNumber
        self.endToEndId = endToEndId
        self.status = status
        self.amount = amount
        self.reasonCode = reasonCode
        self.reasonText = reasonText
        self.settledAt = settledAt
    }
}

public enum StatusFileFormat: String, Sendable, CaseIterable {
    case csv, pain002

    /// XML when the first non-blank character (after a UTF-8 BOM) is `<`.
    public static func detect(firstBytes: some Collection<UInt8>) -> StatusFileFormat {
        var bytes = Array(firstBytes.prefix(512))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "<") ? .pain002 : .csv
    }
}

/// A status file that cannot be used; says where and what, never echoes a whole line.
public struct StatusFileError: Error, Sendable, CustomStringConvertible {
    public let line: Int?
    public let problem: String
    public var description: String { line.map { "line \($0): \(problem)" } ?? problem }
}

/// Reason codes that mean the account cannot receive money, so retrying is pointless until the
/// participant links another account (SPEC §3 PERMANENT_FAILURE). ISO 20022 external status
/// reason codes: AC01 incorrect account number, AC02 invalid debtor account… (creditor side:)
/// AC03 invalid creditor account number, AC04 closed account, AC06 blocked account,
/// AC13 invalid debtor account type, AG01 transaction forbidden on this account,
/// BE01 inconsistent with end customer (name mismatch), BE05 unrecognised initiating party,
/// MD07 end customer deceased, RR01 missing debtor account or identification; and the words
/// channels use in CSV files. AM04 (insufficient funds) and technical codes are temporary.
public enum ReasonCode {
    static let permanent: Set<String> = [
        "AC01", "AC03", "AC04", "AC06", "AC13", "AG01", "BE01", "BE05", "MD07", "RR01",
        "ACCOUNT_CLOSED", "ACCOUNT_BLOCKED", "INVALID_ACCOUNT", "NAME_MISMATCH", "ACCOUNT_NOT_FOUND", "DECEASED",
    ]

    public static func isPermanent(_ code: String) -> Bool {
        permanent.contains(code.trimmingSpaces.uppercased())
    }
}
