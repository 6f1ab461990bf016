extension ReconciliationReport {
    /// One imported status file (or the payouts no file answered): its lines and exceptions.
    public struct FileRow: ReportRow {
        /// When it was imported, WIB, to the minute.
        public var importedAt: String
        public var file: String
        public var lines: Int64
        public var matched: Int64
        public var matchedAmount: Int64
        public var exceptions: Int64
        public var exceptionAmount: Int64
        public var unknownReference: Int64
        public var amountMismatch: Int64
        public var duplicateLine: Int64
        public var statusConflict: Int64
        public var doublePayment: Int64
        public var unanswered: Int64
        public var unknownStatus: Int64
        public var duplicateMessage: Int64

        /// Every kind of exception has its column, so the kinds add up to `exceptions`; the two
        /// kinds added after the first reports come last, where a reader by position expects nothing.
        public static let columns = [
            "imported_at", "file", "lines", "matched", "matched_amount", "exceptions", "exception_amount",
            "unknown_reference", "amount_mismatch", "duplicate_line", "status_conflict", "double_payment", "unanswered",
            "unknown_status", "duplicate_message",
        ]

        public var cells: [ReportTable.Cell] {
            [.text(importedAt), .text(file)] + [
                lines, matched, matchedAmount, exceptions, exceptionAmount, unknownReference, amountMismatch, duplicateLine,
                statusConflict, doublePayment, unanswered, unknownStatus, duplicateMessage,
            ].map { .number($0) }
        }
    }

    /// One payout with an open STATUS_CONFLICT or DOUBLE_PAYMENT.
    public struct OpenRow: ReportRow {
        public var foundAt: String
        public var endToEndID: String
        /// `DOUBLE_PAYMENT` when any of its exceptions is one, else `STATUS_CONFLICT`.
        public var exception: String
        /// The status the payout kept.
        public var payoutStatus: String
        public var amount: Int64
        public var amountToRecover: Int64
        /// How many exception lines name it.
        public var lines: Int64
        /// The file of its latest exception ("" for none).
        public var file: String
        public var detail: String

        public static let columns = [
            "found_at", "end_to_end_id", "exception", "payout_status", "amount", "amount_to_recover", "lines", "file", "detail",
        ]

        public var cells: [ReportTable.Cell] {
            [.text(foundAt), .text(endToEndID), .text(exception), .text(payoutStatus), .number(amount), .number(amountToRecover),
             .number(lines), .text(file), .text(detail)]
        }
    }
}
