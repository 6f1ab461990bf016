extension BatchRelease.Overview {
    /// What an approver reads before deciding: the totals per channel and kind, then who made
    /// the batch, its manifest hash and what to type to approve or reject it.
    public func render(_ format: OutputFormat) -> String {
        var table = ReportTable(title: "Batch \(businessDate) for release", columns: ["channel", "kind", "payouts", "amount (Rp)"])
        for line in lines {
            table.rows.append([.text(line.channel), .text(line.kind), .number(line.payouts), .number(line.amount)])
        }
        table.rows.append([.text("total"), .text(""), .number(payouts), .number(amount)])
        table.notes = ["Made by login \(madeBy ?? "unknown") at \(madeAt)."]
        if let manifestSHA256 {
            table.notes.append("Manifest SHA-256: \(manifestSHA256)")
        } else {
            table.notes.append("The batch's files are not written yet: run the night for \(businessDate) again to finish them.")
        }
        if let decision {
            let why = decision.reason.map { ": \($0)" } ?? ""
            table.notes.append("\(decision.verdict.rawValue) by \(decision.by) at \(decision.at)\(why).")
        } else if let manifestSHA256 {
            let start = manifestSHA256.prefix(BatchRelease.confirmationLength)
            table.notes.append("Not decided yet. To approve: disburse approve \(businessDate) --confirm \(start)")
            table.notes.append("To reject: disburse reject \(businessDate) --confirm \(start) --reason TEXT")
        }
        return table.render(format)
    }
}
