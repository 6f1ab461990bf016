import Foundation

/// `report html`: one self-contained page for finance (no script, no network): the funnel and
/// the daily paid and held amounts as inline SVG charts, then the summary and reconciliation
/// tables with their control lines. Every text from the database is escaped.
public struct FinancePage {
    public var from: BusinessDate?
    public var to: BusinessDate?
    public var generatedAt: String

    public init(from: BusinessDate?, to: BusinessDate?, generatedAt: String) {
        self.from = from
        self.to = to
        self.generatedAt = generatedAt
    }

    struct Day { let date: String; let paid: Int64; let held: Int64 }

    public func render(_ connection: Connection) throws -> String {
        let funnelReport = FunnelReport(by: .wave)
        let funnel = try funnelReport.counted(connection)
        let summary = try SummaryReport(from: from, to: to).build(connection)
        let reconciliation = try ReconciliationReport().build(connection)
        let openConflicts = try ReconciliationReport().open(connection)
        let days = try connection.query(Self.daysQuery, [from, to]).map {
            Day(date: try $0.decode("d"), paid: try $0.decode("paid"), held: try $0.decode("held"))
        }

        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>disburse: finance report</title>
            <style>\(Self.style)</style></head><body>
            <h1>disburse finance report\(Self.escape(DateRange.label(from, to)))</h1>
            <p class="meta">Generated \(Self.escape(generatedAt)). Amounts in rupiah. NIK and account numbers never appear here.</p>
            <h2>Funnel</h2>
            \(funnelChart(funnel))
            <h2>Paid and held per business date</h2>
            \(dailyChart(days))
            """
        html += summary.html() + reconciliation.html() + openConflicts.html() + funnelReport.table(funnel).html()
        html += "</body></html>\n"
        return html
    }

    /// Horizontal bars of the TOTAL row, each with its count and its share of the stage before.
    func funnelChart(_ funnel: FunnelReport.Counted?) -> String {
        guard let total = funnel?.rows.last else { return "<p>No registrants.</p>" }
        let stages = zip(FunnelReport.stages, total.counts).enumerated().map { index, stage in
            (stage.0.replacingOccurrences(of: "_", with: " "), stage.1, total.share(ofStage: index))
        }
        let largest = max(stages.map(\.1).max() ?? 1, 1)
        let rowHeight = 28
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"Funnel\" viewBox=\"0 0 900 \(stages.count * rowHeight + 10)\" width=\"900\">"
        for (index, stage) in stages.enumerated() {
            let y = index * rowHeight + 5
            let width = max(1, Int(Double(stage.1) / Double(largest) * 560))
            let share = stage.2.map { String(format: " (%.1f %%)", $0) } ?? ""
            svg += "<text x=\"0\" y=\"\(y + 18)\">\(Self.escape(stage.0))</text>"
            svg += "<rect x=\"170\" y=\"\(y)\" width=\"\(width)\" height=\"\(rowHeight - 6)\" class=\"funnel\"/>"
            svg += "<text x=\"\(176 + width)\" y=\"\(y + 18)\">\(stage.1.grouped)\(share)</text>"
        }
        return svg + "</svg>"
    }

    /// Paired columns per business date: paid (green) and held (amber), on one scale.
    func dailyChart(_ days: [Day]) -> String {
        guard !days.isEmpty else { return "<p>No batches in this range.</p>" }
        let largest = max(days.map { max($0.paid, $0.held) }.max() ?? 1, 1)
        let slot = max(24, min(80, 820 / days.count))
        let height = 260, top = 20, base = 220
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"Paid and held per business date\" viewBox=\"0 0 \(60 + slot * days.count) \(height)\" width=\"\(60 + slot * days.count)\">"
        svg += "<text x=\"0\" y=\"14\">max \(largest.grouped)</text>"
        svg += "<line x1=\"50\" y1=\"\(base)\" x2=\"\(50 + slot * days.count)\" y2=\"\(base)\" class=\"axis\"/>"
        for (index, day) in days.enumerated() {
            let x = 55 + index * slot
            let bar = max(4, slot / 2 - 4)
            for (offset, value, style) in [(0, day.paid, "paid"), (bar + 2, day.held, "held")] {
                let h = Int(Double(value) / Double(largest) * Double(base - top))
                svg += "<rect x=\"\(x + offset)\" y=\"\(base - h)\" width=\"\(bar)\" height=\"\(h)\" class=\"\(style)\">"
                svg += "<title>\(day.date) \(style): \(value.grouped)</title></rect>"
            }
            svg += "<text x=\"\(x)\" y=\"\(base + 16)\" class=\"small\">\(Self.escape(String(day.date.dropFirst(5))))</text>"
        }
        svg += "<rect x=\"55\" y=\"\(base + 26)\" width=\"10\" height=\"10\" class=\"paid\"/><text x=\"70\" y=\"\(base + 35)\" class=\"small\">paid</text>"
        svg += "<rect x=\"115\" y=\"\(base + 26)\" width=\"10\" height=\"10\" class=\"held\"/><text x=\"130\" y=\"\(base + 35)\" class=\"small\">held</text>"
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String { XMLText.escape(text) }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
        .meta,.note{color:#555}.chart text{font-size:12px;fill:#222}.chart .small{font-size:10px}
        .funnel{fill:#3b6ea5}.paid{fill:#2e8b57}.held{fill:#e0a100}.axis{stroke:#888}
        table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px}th{background:#f2f2f2}td.n{text-align:right}
        """

    /// Per batch date, the rupiah paid and the rupiah held on it. Held on a date: every hold
    /// begun by then and not yet released. The holds are read once, as what each date added
    /// (begun) and took away (released), instead of once per date (MATERIALIZED: a CTE used
    /// once would otherwise be folded into the per-date subquery). $1, $2: the range.
    static let daysQuery = """
        WITH changes AS MATERIALIZED (
            SELECT on_date, sum(amount) AS amount
              FROM (SELECT held_since AS on_date, amount FROM disbursement_reports.holds
                    UNION ALL
                    SELECT released_on, -amount FROM disbursement_reports.holds WHERE released_on IS NOT NULL) moves
             GROUP BY on_date
        ), per_date AS (
            SELECT b.business_date,
                   (SELECT coalesce(sum(c.amount), 0) FROM changes c WHERE c.on_date <= b.business_date) AS held
              FROM disbursement_reports.batches b
        )
        SELECT d.business_date::text AS d,
               (SELECT coalesce(sum(t.amount), 0)::bigint FROM disbursement_reports.payout_totals t
                 WHERE t.business_date = d.business_date AND t.status = 'PAID') AS paid,
               d.held::bigint AS held
          FROM per_date d
         WHERE ($1::date IS NULL OR d.business_date >= $1::date) AND ($2::date IS NULL OR d.business_date <= $2::date)
         ORDER BY d.business_date
        """
}
