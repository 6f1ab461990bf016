import Foundation

extension Delivery.Report {
    public func table() -> String {
        var lines: [String] = []
        lines.append("Delivered now: \(delivered.count) file(s); delivered before: \(alreadyDelivered).")
        lines += delivered.map { "  sent  \($0)" }
        if !waiting.isEmpty { lines.append("Waiting for approval: \(waiting.joined(separator: ", ")) (disburse approve DATE, by another login).") }
        for (channel, why) in unreachable.sorted(by: { $0.key < $1.key }) {
            lines.append("  NOT SENT to \(channel): \(why); retried by the next deliver.")
        }
        for (channel, why) in hostKeyChanged.sorted(by: { $0.key < $1.key }) {
            lines.append("  REFUSED \(channel): \(why).")
        }
        for channel in unstarted {
            lines.append("  NOT SENT to \(channel): no first date yet; run disburse deliver --from DATE once.")
        }
        for (channel, why) in unusable.sorted(by: { $0.key < $1.key }) {
            lines.append("  NOT SENT to \(channel): \(why)")
        }
        lines += refused.map { "  not sent: \($0)" }
        lines += notes.map { "  note: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        try JSONText.encode(self) + "\n"
    }
}
