/// `report holds`: what is held and why, for the business date asked (default: now).
public struct HoldsReport {
    public let date: BusinessDate?

    public init(date: BusinessDate?) { self.date = date }

    /// Holds in force on the date: started on or before it and not released by then.
    private var filter: String {
        date == nil
            ? "h.released_on IS NULL"
            : "h.held_since <= current_setting('disburse.report_date')::date AND (h.released_on IS NULL OR h.released_on > current_setting('disburse.report_date')::date)"
    }

    private func prepare(_ connection: Connection) throws {
        if let date { try connection.setSessionSetting("disburse.report_date", date) }
    }

    public func table(_ connection: Connection) throws -> String {
        try prepare(connection)
        let rows = try connection.query(
            "SELECT h.reason, count(*) AS n, sum(h.amount) AS amount FROM disbursement_reports.holds h WHERE \(filter) GROUP BY h.reason ORDER BY h.reason")
        var table = ReportTable(title: "Holds in force " + (date.map { "on \($0)" } ?? "now"), columns: ["REASON", "HELD", "RUPIAH"])
        var count: Int64 = 0
        var amount: Int64 = 0
        for row in rows {
            let n = try row.decode("n", as: Int64.self)
            let sum = try row.decode("amount", as: Int64.self)
            count += n
            amount += sum
            table.rows.append([.text(try row.decode("reason", as: String.self)), .number(n), .number(sum)])
        }
        table.rows.append([.text("TOTAL"), .number(count), .number(amount)])
        return table.render(.table)
    }

    private var rowsQuery: String {
        """
        SELECT h.registrant_id, h.decree_no, h.kind, h.number, h.amount, h.reason, h.held_since
          FROM disbursement_reports.holds h WHERE \(filter)
         ORDER BY h.reason, h.registrant_id, h.kind, h.number
        """
    }

    static let columns = ["registrant_id", "decree_no", "kind", "number", "amount", "reason", "held_since"]

    /// One row per held entitlement, streamed, in the CSV dialect of every report (`CSVField`:
    /// RFC 4180, CRLF, a decree number that starts like a formula neutralised).
    public func csv(_ connection: Connection, _ write: (String) throws -> Void) throws {
        try prepare(connection)
        try write(Self.columns.joined(separator: ",") + "\r\n")
        try connection.copyOut("COPY (\(rowsQuery)) TO STDOUT") { line in
            try write(CopyText.fields(line).map { CSVField.quote($0 ?? "") }.joined(separator: ",") + "\r\n")
        }
    }

    /// One JSON object per held entitlement in an array, streamed.
    public func json(_ connection: Connection, _ write: (String) throws -> Void) throws {
        try prepare(connection)
        var first = true
        try write("[")
        try connection.copyOut("COPY (SELECT row_to_json(r)::text FROM (\(rowsQuery)) r) TO STDOUT") { line in
            let fields = CopyText.fields(line)
            try write((first ? "\n  " : ",\n  ") + (fields.first.flatMap { $0 } ?? "null"))
            first = false
        }
        try write(first ? "]\n" : "\n]\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
