import Foundation
import Testing

@testable import Disbursement

/// Every report speaks one CSV dialect (`CSVField`): CRLF line ends, RFC 4180 quoting, and text
/// from the registry that a spreadsheet would run as a formula neutralised with a leading quote.
@Suite("report CSV dialect")
struct ReportCSVDialectTests {
    @Test func everyReportIsCRLFAndNeutralisesAFormulaInADecreeNumber() throws {
        let env = try TestEnvironment()
        let registry = env.registry
        let decree = "=HYPERLINK(\"http://x\",\"a,b\")"
        try registry.decree(decree)
        try registry.decree("SK-1")
        try registry.registrant(1, nik: "31710A0000000001")  // held INVALID_NIK, so the decree is in `report holds`
        try registry.member(1, decree: decree)
        try registry.payableParticipant(2)
        try env.run("2020-06-01")

        for report in ["summary", "holds", "funnel", "reconciliation"] {
            let result = try env.cli("report", report, "--format", "csv")
            #expect(result.status == 0, "\(report): \(result.stderr)")
            let text = result.stdout
            #expect(!text.isEmpty && text.hasSuffix("\r\n"), "\(report) must end its lines with CRLF")
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "\(report) has a bare LF")
        }
        let holds = try env.cli("report", "holds", "--format", "csv").stdout
        #expect(holds.hasPrefix("registrant_id,decree_no,kind,number,amount,reason,held_since\r\n"), "\(holds)")
        #expect(holds.contains("1,\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",TRAINING,1,1000000,INVALID_NIK,2020-06-01\r\n"), "\(holds)")
    }
}
