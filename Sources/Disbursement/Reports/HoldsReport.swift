/// `report holds`: what is held and why, for the business date asked (default: now).
public struct HoldsReport {
    public let date: BusinessDate?

    public init(date: BusinessDate?) { self.date = date }

    /// Holds in force on the date: started on or before it and not released by then.
    private var filter: String {
        date == nil ? Self.inForceNow : Self.inForceOnDate
    }

    private func prepare(_ connection: Connection) throws {
        if let date { try connection.setSessionSetting("disburse.report_date", date) }
    }

    /// Count and rupiah per reason, and their total.
    public func table(_ connection: Connection) throws -> String {
        try prepare(connection)
        var rows = try connection.query(Self.perReasonQuery(filter)).map { row in
            ReasonRow(reason: try row.decode("reason"), held: try row.decode("n"), rupiah: try row.decode("amount"))
        }
        rows.append(ReasonRow(reason: "TOTAL", held: rows.reduce(0) { $0 + $1.held }, rupiah: rows.reduce(0) { $0 + $1.rupiah }))
        return ReportTable(title: "Holds in force " + (date.map { "on \($0)" } ?? "now"), rows: rows).render(.table)
    }

    /// One row per held entitlement, streamed (a national night holds hundreds of thousands),
    /// in the CSV dialect of every report.
    public func csv(_ connection: Connection, _ write: (String) throws -> Void) throws {
        try prepare(connection)
        try write(ReportTable.csvLine(HeldRow.columns))
        try eachHeld(connection) { try write(ReportTable.csvLine($0.cells.map(\.raw))) }
    }

    /// One JSON object per held entitlement in an array, streamed.
    public func json(_ connection: Connection, _ write: (String) throws -> Void) throws {
        try prepare(connection)
        var first = true
        try write("[")
        try eachHeld(connection) { row in
            try write(ReportTable.jsonLine(HeldRow.columns, row.cells, first: first))
            first = false
        }
        try write(ReportTable.jsonEnd(wroteRows: !first))
    }

    private func eachHeld(_ connection: Connection, _ body: (HeldRow) throws -> Void) throws {
        try connection.copyOut("COPY (\(Self.heldQuery(filter))) TO STDOUT") { line in
            try body(try HeldRow(copyFields: CopyText.fields(line)))
        }
    }
}

extension HoldsReport {
    static let inForceNow = "h.released_on IS NULL"
    static let inForceOnDate =
        "h.held_since <= current_setting('disburse.report_date')::date AND (h.released_on IS NULL OR h.released_on > current_setting('disburse.report_date')::date)"

    /// Count and rupiah per reason of the holds `filter` keeps.
    static func perReasonQuery(_ filter: String) -> String {
        "SELECT h.reason, count(*) AS n, sum(h.amount) AS amount FROM disbursement_reports.holds h WHERE \(filter) GROUP BY h.reason ORDER BY h.reason"
    }

    /// Every hold `filter` keeps, in `HeldRow`'s columns and order.
    static func heldQuery(_ filter: String) -> String {
        """
        SELECT h.registrant_id, h.decree_no, h.kind, h.number, h.amount, h.reason, h.held_since
          FROM disbursement_reports.holds h WHERE \(filter)
         ORDER BY h.reason, h.registrant_id, h.kind, h.number
        """
    }
}
