import Foundation

extension RunSummary {
    /// Canonical JSON: the form stored with the batch and printed with `--format json`.
    public func json() throws -> String {
        try JSONText.encode(self, pretty: true)
    }

    public static func fromJSON(_ text: String) throws -> RunSummary {
        try JSONDecoder().decode(RunSummary.self, from: Data(text.utf8))
    }

    /// A table for people reading the terminal or the cron mail.
    public func table() -> String {
        var lines: [String] = []
        lines.append("Business date \(businessDate)")
        lines.append("Virtual accounts issued: \(virtualAccountsIssued.grouped)")
        lines.append("")
        lines.append(Self.row("CHANNEL", "KIND", "PAYOUTS", "RUPIAH"))
        for total in payouts {
            lines.append(Self.row(total.channel, total.kind.rawValue, total.count.grouped, total.amount.grouped))
        }
        lines.append(Self.row("TOTAL", "", payoutCount.grouped, payoutAmount.grouped))
        lines.append("")
        lines.append(Self.row("HOLD REASON", "", "HELD", "RUPIAH"))
        for hold in holds {
            lines.append(Self.row(hold.reason.rawValue, "", hold.count.grouped, hold.amount.grouped))
        }
        lines.append(Self.row("TOTAL HELD", "", holdCount.grouped, holdAmount.grouped))
        lines.append("")
        lines.append("Expired today (back to the treasury): \(expiredCount.grouped) entitlements, Rp\(expiredAmount.grouped)")
        return lines.joined(separator: "\n")
    }

    private static func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        a.padding(toLength: 24, withPad: " ", startingAt: 0) + b.padding(toLength: 11, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - c.count)) + c
            + String(repeating: " ", count: max(0, 20 - d.count)) + d
    }
}
