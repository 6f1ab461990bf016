import Foundation
import Testing

@testable import Disbursement

@Suite("finance page")
struct FinancePageTests {
    @Test func aSelfContainedWellFormedPageWithBothChartsAndEscapedText() throws {
        let env = try ReconcilerTests.night()
        // A status file whose name would be markup if it were not escaped.
        let hostile = env.output.appending(path: "<b>bank&co<i>.csv")
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\nPK-1-T1-1,PAID,1000000,,,\r\n".utf8).write(to: hostile)
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
        #expect(html.contains("&lt;b&gt;bank&amp;co&lt;i&gt;.csv"))
        #expect(!html.contains("<b>bank"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "the page loads nothing from elsewhere")
        let wellFormed = try Shell.run("/usr/bin/xmllint", ["--noout", page.path])
        #expect(wellFormed.status == 0, "\(wellFormed.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: page.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o600)
    }
}
