import Foundation
import Testing

@testable import Disbursement

/// F1's reports: in a SQL_ASCII database a decree or province whose bytes are not UTF-8 is shown
/// with U+FFFD, as the batch files show a name, and every report runs in every format.
@Suite("reports on a SQL_ASCII database")
struct SQLASCIIReportTests {
    @Test func everyReportShowsBytesThatAreNotUTF8AsReplacementCharacters() throws {
        let env = try TestEnvironment(sqlASCII: true)
        try env.registry.decree("SK-1")
        for id in Int64(1)...2 { try env.registry.payableParticipant(id) }
        try env.registry.registrant(3, nik: "31710000000000X3")
        try env.registry.member(3)
        // "SK-<FF>1" and province "3<FE>": bytes a SQL_ASCII database keeps as they came.
        for table in ["registry.decrees", "registry.decree_members"] {
            try env.connection.execute("UPDATE \(table) SET decree_no = convert_from('\\x534b2dff31'::bytea, 'SQL_ASCII')")
        }
        try env.connection.execute("UPDATE registry.registrants SET province_code = convert_from('\\x33fe'::bytea, 'SQL_ASCII')")
        try env.run("2020-06-01")
        #expect(try env.cli("report", "funnel", "--refresh").status == 0)

        let decree = "SK-\u{FFFD}1"
        var shown: [String: String] = [:]
        for report in [["summary"], ["summary", "--by", "decree"], ["holds"], ["funnel"], ["funnel", "--by", "province"], ["reconciliation"]] {
            for format in ["table", "csv", "json"] {
                let result = try CLI.run(["report"] + report + ["--format", format], environment: env.cliEnvironment)
                #expect(result.status == 0, "report \(report) --format \(format): \(result.stderr)")
                shown[(report + [format]).joined(separator: " ")] = result.stdout
            }
        }
        #expect(shown["summary --by decree table"]?.contains(decree) == true, "\(shown["summary --by decree table"] ?? "")")
        #expect(shown["holds csv"]?.contains(decree) == true, "\(shown["holds csv"] ?? "")")
        #expect(shown["holds json"]?.contains(decree) == true, "\(shown["holds json"] ?? "")")
        #expect(shown["funnel --by province csv"]?.contains("3\u{FFFD}") == true, "\(shown["funnel --by province csv"] ?? "")")
        let html = try CLI.run(["report", "html"], environment: env.cliEnvironment)
        #expect(html.status == 0, "\(html.stderr)")
    }
}
