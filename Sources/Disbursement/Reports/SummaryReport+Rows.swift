extension SummaryReport {
    /// A count of payouts and their rupiah.
    public struct Tally: Sendable, Equatable {
        public var count: Int64
        public var amount: Int64
    }

    /// One batch date, channel and kind: what the night issued and what became of it.
    public struct Row: ReportRow {
        public var businessDate: String
        public var channel: String
        public var kind: String
        public var issued: Tally
        public var paid: Tally
        public var failed: Tally
        public var returned: Tally
        public var pending: Tally

        /// issued − paid − failed − returned − pending, in rupiah: 0 unless payouts changed
        /// outside disburse.
        public var control: Int64 { issued.amount - paid.amount - failed.amount - returned.amount - pending.amount }

        public static let columns = [
            "business_date", "channel", "kind", "issued_count", "issued_amount", "paid_count", "paid_amount",
            "failed_count", "failed_amount", "returned_count", "returned_amount", "pending_count", "pending_amount", "control",
        ]

        public var cells: [ReportTable.Cell] {
            [.text(businessDate), .text(channel), .text(kind)]
                + [issued, paid, failed, returned, pending].flatMap { [.number($0.count), .number($0.amount)] }
                + [.number(control)]
        }
    }

    /// One night and decree: what was due and the state each entitlement ended in.
    public struct DecreeRow: ReportRow {
        public var businessDate: String
        public var decreeNo: String
        public var due: Tally
        public var paidOrInFlight: Tally
        public var held: Tally
        public var expired: Tally
        public var awaitingRetry: Tally
        /// due − the rest, in entitlements and in rupiah: 0 when nothing vanished.
        public var proofCount: Int64
        public var proof: Int64

        public static let columns = [
            "business_date", "decree_no", "due_count", "due_amount", "paid_or_in_flight_count", "paid_or_in_flight_amount",
            "held_count", "held_amount", "expired_count", "expired_amount", "awaiting_retry_count", "awaiting_retry_amount",
            "proof_count", "proof",
        ]

        public var cells: [ReportTable.Cell] {
            [.text(businessDate), .text(decreeNo)]
                + [due, paidOrInFlight, held, expired, awaitingRetry].flatMap { [.number($0.count), .number($0.amount)] }
                + [.number(proofCount), .number(proof)]
        }
    }
}

extension Row {
    /// A count and its rupiah, read from the two columns named.
    func tally(_ count: String, _ amount: String) throws -> SummaryReport.Tally {
        SummaryReport.Tally(count: try decode(count, as: Int64.self), amount: try decode(amount, as: Int64.self))
    }
}
