extension HoldsReport {
    /// One hold reason: how many entitlements it holds and their rupiah.
    public struct ReasonRow: ReportRow {
        public var reason: String
        public var held: Int64
        public var rupiah: Int64

        public static let columns = ["REASON", "HELD", "RUPIAH"]

        public var cells: [ReportTable.Cell] { [.text(reason), .number(held), .number(rupiah)] }
    }

    /// One held entitlement.
    public struct HeldRow: ReportRow {
        public var registrantID: Int64
        public var decreeNo: String
        public var kind: String
        public var number: Int64
        public var amount: Int64
        public var reason: String
        /// YYYY-MM-DD.
        public var heldSince: String

        public static let columns = ["registrant_id", "decree_no", "kind", "number", "amount", "reason", "held_since"]

        public var cells: [ReportTable.Cell] {
            [.number(registrantID), .text(decreeNo), .text(kind), .number(number), .number(amount), .text(reason), .text(heldSince)]
        }
    }
}

extension HoldsReport.HeldRow {
    /// A line of `heldQuery` as COPY writes it (every column is NOT NULL in the table).
    init(copyFields fields: [String?]) throws {
        func text(_ index: Int) throws -> String {
            guard fields.indices.contains(index), let value = fields[index] else {
                throw PostgresError(kind: .decoding, message: "Column \"\(Self.columns[index])\" of a hold is missing.")
            }
            return value
        }
        func number(_ index: Int) throws -> Int64 {
            guard let value = Int64(try text(index)) else {
                throw PostgresError(kind: .decoding, message: "Column \"\(Self.columns[index])\" of a hold is not a number.")
            }
            return value
        }
        self.init(
            registrantID: try number(0), decreeNo: try text(1), kind: try text(2), number: try number(3),
            amount: try number(4), reason: try text(5), heldSince: try text(6))
    }
}
