import Foundation
import Testing

@testable import Disbursement

@Suite("finance page")
struct FinancePageTests {
    @Test func aSelfContainedWellFormedPageWithBothChartsAndEscapedText() throws {
        let env = try ReconcilerTests.night()
        // A status file whose name would be markup if it were not escaped.
        let hostile = env.output.appending(path: "<b>bank&co<i>.csv")
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\nPK-1-T1-1,PAID,1000000,,,\r\nPK-2-I1-1,FAILED,600000,AC04,,\r\n".utf8).write(to: hostile)
        #expect(try env.cli("reconcile", hostile.path, "--as-of", "2020-06-02").status == 0)
        try env.connection.execute("UPDATE registry.payout_accounts SET status = 'closed' WHERE registrant_id = 2")
        #expect(try env.cli("run", "--date", "2020-06-02").status == 0)

        let page = env.output.appending(path: "finance.html")
        let result = try env.cli("report", "html", "--out", page.path)
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("aria-label=\"Funnel\""))
        #expect(html.contains("aria-label=\"Paid and held per business date\""))
        #expect(html.contains("class=\"held\""))
        // Paid and held per date as the payouts and holds themselves say.
        for date in ["2020-06-01", "2020-06-02"] {
            let paid = try env.connection.queryOne(
                "SELECT coalesce(sum(amount), 0)::bigint FROM disbursement.payouts WHERE business_date = $1::date AND status = 'PAID'",
                [date]).decode(0, as: Int64.self)
            let held = try env.connection.queryOne(
                """
                SELECT coalesce(sum(amount), 0)::bigint FROM disbursement.holds
                 WHERE held_since <= $1::date AND (released_on IS NULL OR released_on > $1::date)
                """, [date]).decode(0, as: Int64.self)
            #expect(html.contains("<title>\(date) paid: \(paid.grouped)</title>"))
            #expect(html.contains("<title>\(date) held: \(held.grouped)</title>"))
            if date == "2020-06-02" { #expect(held > 0) } else { #expect(paid > 0) }
        }
        #expect(html.contains("&lt;b&gt;bank&amp;co&lt;i&gt;.csv"))
        #expect(!html.contains("<b>bank"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "the page loads nothing from elsewhere")
        let wellFormed = try Shell.run(try ExternalTool.xmllint.located(), ["--noout", page.path])
        #expect(wellFormed.status == 0, "\(wellFormed.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: page.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o600)
    }
}
