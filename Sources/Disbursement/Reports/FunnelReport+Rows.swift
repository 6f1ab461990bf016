extension FunnelReport {
    /// A snapshot's rows for one dimension.
    public struct Counted: Sendable {
        public var snapshot: FunnelSnapshot
        /// One row per group, then the total.
        public var rows: [Row]
    }

    /// One wave or province (or the total): how many reached each stage.
    public struct Row: ReportRow {
        /// The wave or province, or "TOTAL".
        public var group: String
        /// One count per stage, in the order of `FunnelReport.stages`.
        public var counts: [Int64]

        /// The share of the stage before that reached stage `index`, in percent; nil for the
        /// first stage and where the stage before is empty.
        public func share(ofStage index: Int) -> Double? {
            guard index > 0, counts.indices.contains(index), counts[index - 1] != 0 else { return nil }
            return Double(counts[index]) * 100 / Double(counts[index - 1])
        }

        /// The first column is named after the dimension in the report (`wave`, `province`).
        public static let columns = ["group"] + FunnelReport.stages.flatMap { [$0, "\($0)_pct"] }.filter { $0 != "registered_pct" }

        public var cells: [ReportTable.Cell] {
            [.text(group)] + counts.indices.flatMap { index -> [ReportTable.Cell] in
                index == 0 ? [.number(counts[index])] : [.number(counts[index]), .percent(share(ofStage: index))]
            }
        }
    }
}
