/// `report funnel`: registered → verified → approved → VA → trained → paid, per wave and per
/// province: the shape finance and the press quote.
public struct FunnelReport {
    public enum Dimension: String, Sendable, CaseIterable { case wave, province }

    public var by: Dimension

    public init(by: Dimension) { self.by = by }

    static let stages = [
        "registered", "email_verified", "nik_verified", "phone_verified", "approved", "va_issued", "trained",
        "first_incentive_paid", "fully_paid",
    ]

    public func build(_ connection: Connection) throws -> ReportTable {
        let group = by == .wave ? "coalesce(m.wave::text, 'not in a decree')" : "coalesce(r.province_code, '?')"
        let rows = try connection.query(
            """
            WITH m AS (
                SELECT dm.registrant_id, min(d.wave) AS wave, bool_or(dm.status = 'approved') AS approved,
                       max(d.incentive_tranches) AS tranches
                  FROM registry.decree_members dm JOIN registry.decrees d USING (decree_no)
                 GROUP BY dm.registrant_id
            ), trained AS (
                SELECT DISTINCT registrant_id FROM registry.training_completions
                 WHERE nullif(btrim(certificate_no), '') IS NOT NULL AND rating BETWEEN 1 AND 5
                   AND nullif(btrim(review), '') IS NOT NULL
            ), paid AS (
                SELECT registrant_id, count(*) AS incentives
                  FROM disbursement.payouts WHERE kind = 'INCENTIVE' AND status = 'PAID'
                 GROUP BY registrant_id
            )
            SELECT \(group) AS grp,
                   count(*) AS registered,
                   count(r.email_verified_at) AS email_verified,
                   count(r.nik_verified_at) AS nik_verified,
                   count(r.phone_verified_at) AS phone_verified,
                   count(*) FILTER (WHERE m.approved) AS approved,
                   count(v.registrant_id) AS va_issued,
                   count(t.registrant_id) FILTER (WHERE m.approved) AS trained,
                   count(p.registrant_id) AS first_incentive_paid,
                   count(p.registrant_id) FILTER (WHERE p.incentives >= m.tranches) AS fully_paid
              FROM registry.registrants r
              LEFT JOIN m USING (registrant_id)
              LEFT JOIN disbursement.virtual_accounts v USING (registrant_id)
              LEFT JOIN trained t USING (registrant_id)
              LEFT JOIN paid p USING (registrant_id)
             GROUP BY ROLLUP (1)
             ORDER BY grouping(\(group)), 1
            """)
        var table = ReportTable(
            title: "Funnel by \(by.rawValue) (percent of the stage before)",
            columns: [by.rawValue] + Self.stages.flatMap { [$0, "\($0)_pct"] }.filter { $0 != "registered_pct" })
        for row in rows {
            let label = try row.decodeIfPresent("grp", as: String.self) ?? "TOTAL"
            var cells: [ReportTable.Cell] = [.text(label)]
            var previous: Int64?
            for stage in Self.stages {
                let value = try row.decode(stage, as: Int64.self)
                cells.append(.number(value))
                if let previous {
                    cells.append(.percent(previous == 0 ? nil : Double(value) * 100 / Double(previous)))
                }
                previous = value
            }
            table.rows.append(cells)
        }
        return table
    }
}
