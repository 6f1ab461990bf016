import Foundation
import Testing

@testable import Disbursement

/// `report holds --format json` streams its rows through the report renderers; each row must be
/// the bytes PostgreSQL's row_to_json gave before (issue 16: behaviour unchanged), whatever the
/// registry wrote in a decree number.
@Suite("holds JSON")
struct HoldsJSONTests {
    @Test func everyRowIsWhatRowToJSONWrites() throws {
        let env = try TestEnvironment()
        let decrees = ["SK-1/2020", "quote \" back\\slash", "tab\tline\nreturn\rbell\u{07}nul-less \u{1F}", "é 漢字 🙂 </script>"]
        for (index, decree) in decrees.enumerated() {
            let id = Int64(index + 1)
            try env.registry.decree(decree)
            try env.registry.registrant(id, nik: "31710A000000000\(index)")  // held INVALID_NIK
            try env.registry.member(id, decree: decree)
        }
        try env.run("2020-06-01")

        var printed = ""
        try HoldsReport(date: nil).json(env.connection) { printed += $0 }
        let expected = try env.connection.query(
            "SELECT row_to_json(r)::text FROM (\(HoldsReport.heldQuery(HoldsReport.inForceNow))) r"
        ).map { try $0.decode(0, as: String.self) }
        #expect(expected.count == decrees.count)
        #expect(printed == "[\n  " + expected.joined(separator: ",\n  ") + "\n]\n")

        var none = ""
        try HoldsReport(date: BusinessDate("2019-01-01")).json(env.connection) { none += $0 }
        #expect(none == "[]\n")
    }
}
