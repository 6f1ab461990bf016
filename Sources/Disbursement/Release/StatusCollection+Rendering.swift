extension StatusCollection.Report {
    public func table() -> String {
        var lines = ["Collected now: \(imported.count) status file(s) imported; collected before: \(alreadyCollected)."]
        lines += imported.map { "  imported  \($0)" }
        lines += refused.map { "  REFUSED   \($0)" }
        for (channel, why) in unreachable.sorted(by: { $0.key < $1.key }) { lines.append("  NOT REACHED \(channel): \(why); retried next time.") }
        for (channel, why) in hostKeyChanged.sorted(by: { $0.key < $1.key }) { lines.append("  REFUSED \(channel): \(why).") }
        for (channel, why) in unusable.sorted(by: { $0.key < $1.key }) { lines.append("  NOT COLLECTED \(channel): \(why)") }
        lines += notes.map { "  note: \($0)" }
        if exceptionCount > 0 { lines.append("Reconciliation exceptions: \(exceptionCount) (disburse report reconciliation).") }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String { try JSONText.encode(self) + "\n" }
}
