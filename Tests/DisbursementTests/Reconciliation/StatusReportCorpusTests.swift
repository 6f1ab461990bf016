import Foundation
import Testing

@testable import Disbursement

/// pain.002 reports in the shapes banks send (Tests/StatusReports), each fed to the real
/// `disburse reconcile` against a real night's payouts, with the states it must leave.
@Suite("status reports as banks send them")
struct StatusReportCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        /// Payouts whose status changes; every other payout of the night stays ISSUED.
        let states: [String: String]
        let exceptions: [String: Int]
        let version: String?
        var testDescription: String { file }
    }

    static let bni = ["PK-1-I1-1", "PK-1-I2-1", "PK-2-I1-1", "PK-2-I2-1", "PK-3-I1-1", "PK-3-I2-1"]
    static let va = ["PK-1-T1-1", "PK-2-T1-1", "PK-3-T1-1"]
    static func all(_ references: [String], _ status: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: references.map { ($0, status) })
    }

    static let cases: [Case] = [
        Case(file: "v03-group-actc.xml", states: all(bni, "PENDING"), exceptions: [:], version: "pain.002.001.03"),
        Case(file: "v03-ch02-group-rjct.xml", states: all(bni, "FAILED"), exceptions: [:], version: "pain.002.001.03.ch.02"),
        Case(file: "v04-bom-crlf-comments-cdata.xml", states: ["PK-1-T1-1": "PAID", "PK-2-T1-1": "PAID"], exceptions: [:],
             version: "pain.002.001.04"),
        Case(file: "v05-part-transactions.xml", states: ["PK-1-I1-1": "PAID", "PK-2-I1-1": "FAILED"], exceptions: [:],
             version: "pain.002.001.05"),
        Case(file: "v06-prefixed.xml", states: ["PK-3-I1-1": "PENDING", "PK-3-I2-1": "PAID"], exceptions: [:],
             version: "pain.002.001.06"),
        Case(file: "v07-unknown-status.xml", states: ["PK-2-I1-1": "PAID"], exceptions: ["UNKNOWN_STATUS": 1],
             version: "pain.002.001.07"),
        Case(file: "v08-no-end-to-end-id.xml", states: ["PK-1-I1-1": "PAID", "PK-2-I1-1": "FAILED"],
             exceptions: ["UNKNOWN_REFERENCE": 1], version: "pain.002.001.08"),
        Case(file: "v09-block-accp.xml", states: all(va, "PENDING"), exceptions: [:], version: "pain.002.001.09"),
        Case(file: "v10-block-rjct.xml", states: all(bni, "FAILED"), exceptions: [:], version: "pain.002.001.10"),
        Case(file: "v11-envelope.xml", states: ["PK-3-T1-1": "PAID"], exceptions: [:], version: "pain.002.001.11"),
        Case(file: "v12-decimals-and-currency.xml", states: ["PK-1-I1-1": "PAID"], exceptions: ["AMOUNT_MISMATCH": 2],
             version: "pain.002.001.12"),
        Case(file: "misspelt-namespace-group-accp.xml", states: all(va, "PENDING"), exceptions: [:], version: nil),
        Case(file: "no-namespace-group-accept-tx-reject.xml",
             states: all(bni, "PENDING").merging(["PK-3-I2-1": "FAILED"]) { $1 }, exceptions: [:], version: nil),
        Case(file: "unknown-message-group-rjct.xml", states: [:], exceptions: ["UNKNOWN_REFERENCE": 2], version: "pain.002.001.03"),
        // Attack 17: a block with any status of its own is not given the group's (F7); a
        // rejection for a duplicate message moves nothing (F22); a block stated again is
        // expanded once (F9); SplmtryData is skipped whole and xs:decimal forms are read (F19, F8).
        Case(file: "group-acsc-block-unknown.xml", states: [:], exceptions: ["UNKNOWN_STATUS": 1], version: "pain.002.001.10"),
        Case(file: "group-rjct-block-acwp.xml", states: [:], exceptions: ["UNKNOWN_STATUS": 1], version: "pain.002.001.09"),
        Case(file: "group-acsc-block-empty.xml", states: [:], exceptions: ["UNKNOWN_STATUS": 1], version: "pain.002.001.10"),
        Case(file: "group-rjct-du01.xml", states: [:], exceptions: ["DUPLICATE_MESSAGE": 1], version: "pain.002.001.10"),
        Case(file: "block-rjct-du02-under-group-acsc.xml", states: [:], exceptions: ["DUPLICATE_MESSAGE": 1],
             version: "pain.002.001.03"),
        Case(file: "block-stated-four-times.xml", states: all(va, "PENDING"), exceptions: ["DUPLICATE_LINE": 3],
             version: "pain.002.001.09"),
        Case(file: "supplementary-data-and-xs-decimal.xml",
             states: all(va, "FAILED").merging(["PK-1-I1-1": "PAID", "PK-2-I1-1": "FAILED"]) { $1 }, exceptions: [:],
             version: "pain.002.001.10"),
    ]

    static func corpus(_ name: String) -> URL { Paths.repository.appending(path: "Tests/StatusReports/\(name)") }

    static func states(_ env: TestEnvironment) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try env.connection.query(
            "SELECT end_to_end_id, status FROM disbursement.payouts WHERE business_date = '2020-06-01'"
        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) })
    }

    @Test(arguments: cases)
    func leavesThePayoutsItMust(_ testCase: Case) throws {
        let env = try ReconcilerTests.night()
        let result = try env.cli("reconcile", Self.corpus(testCase.file).path, "--as-of", "2020-06-02")
        #expect(result.status == (testCase.exceptions.isEmpty ? 0 : 3), "\(result.stdout)\(result.stderr)")
        var expected = Self.all(Self.bni + Self.va, "ISSUED")
        expected.merge(testCase.states) { $1 }
        #expect(try Self.states(env) == expected)
        let exceptions = Dictionary(uniqueKeysWithValues: try env.connection.query(
            "SELECT kind, count(*)::int FROM disbursement.recon_exceptions GROUP BY kind"
        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int.self)) })
        #expect(exceptions == testCase.exceptions)
        let version = try env.connection.queryOne("SELECT declared_version FROM disbursement.status_files")
            .decodeIfPresent(0, as: String.self)
        #expect(version == testCase.version)
        // A block or group rejection is about the file, not the participant's account: nothing
        // is held as a permanent failure because of it.
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE permanent AND reason_code IN ('DU01', 'DU02', 'FF01', 'AM10')") == 0)
        // Imported twice, it changes nothing.
        let before = try env.snapshot()
        let again = try env.cli("reconcile", Self.corpus(testCase.file).path, "--as-of", "2020-06-02")
        #expect(again.status == 0 && again.stdout.contains("imported before"), "\(again.stderr)")
        #expect(try env.snapshot() == before)
    }

    /// How a bank answers: an acknowledgement of the whole file first, then the settlement
    /// report with a status per payment, both in one call.
    @Test func anAcknowledgementThenATransactionReportInOneCall() throws {
        let env = try ReconcilerTests.night()
        let result = try env.cli(
            "reconcile", Self.corpus("v03-group-actc.xml").path, Self.corpus("v05-part-transactions.xml").path,
            "--as-of", "2020-06-02")
        #expect(result.status == 0, "\(result.stderr)")
        var expected = Self.all(Self.bni, "PENDING").merging(Self.all(Self.va, "ISSUED")) { $1 }
        expected["PK-1-I1-1"] = "PAID"
        expected["PK-2-I1-1"] = "FAILED"
        #expect(try Self.states(env) == expected)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 2)
    }

    /// Each file stands alone: a malformed one between two good ones is refused whole, the
    /// good ones are imported, and the call says which is which and exits 65.
    @Test func aMalformedFileBetweenTwoGoodOnes() throws {
        let env = try ReconcilerTests.night()
        let bad = env.output.appending(path: "truncated.xml")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        let text = try String(contentsOf: Self.corpus("v05-part-transactions.xml"), encoding: .utf8)
        try Data(text.prefix(text.count - 60).utf8).write(to: bad)
        let missing = env.output.appending(path: "never-sent.xml")
        let result = try env.cli(
            "reconcile", Self.corpus("v09-block-accp.xml").path, bad.path, Self.corpus("v11-envelope.xml").path, missing.path,
            env.output.path, "--as-of", "2020-06-02")
        #expect(result.status == 65, "\(result.stderr)")
        let complaints = result.stderr.split(separator: "\n")
        #expect(complaints.count == 3, "\(result.stderr)")
        #expect(complaints.first { $0.contains("truncated.xml") }?.contains("nothing of it was imported") == true)
        #expect(complaints.first { $0.contains("never-sent.xml") }?.contains("cannot be read") == true)
        #expect(complaints.contains { $0.contains("not a regular file") })
        #expect(result.stdout.contains("v09-block-accp.xml") && result.stdout.contains("v11-envelope.xml"))
        #expect(result.stdout.contains("truncated.xml") && result.stdout.contains("REFUSED"))
        var expected = Self.all(Self.bni, "ISSUED").merging(Self.all(Self.va, "PENDING")) { $1 }
        expected["PK-3-T1-1"] = "PAID"
        #expect(try Self.states(env) == expected)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 2)
        let log = try env.connection.queryOne(
            "SELECT exit_code, message FROM disbursement.run_log WHERE command = 'reconcile' ORDER BY run_id DESC LIMIT 1")
        #expect(try log.decode(0, as: Int.self) == 65)
        #expect(try log.decode(1, as: String.self).contains("3 of 5 status files refused"))
        #expect(try log.decode(1, as: String.self).contains("imported: v09-block-accp.xml, v11-envelope.xml"))
    }

    /// The most specific status wins: a transaction's over its block's, a block's over the
    /// group's; an unknown code is an exception and does not make a later line a duplicate.
    @Test func theMostSpecificStatusWinsAndAnUnknownCodeHidesNothing() throws {
        let env = try ReconcilerTests.night()
        let url = env.output.appending(path: "mixed.xml")
        try Data("""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
            <OrgnlGrpInfAndSts><OrgnlMsgId>DSB-20200601-BNI-001</OrgnlMsgId><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts>
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts>
              <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>RVNA</TxSts></TxInfAndSts>
              <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
              <TxInfAndSts><OrgnlEndToEndId>PK-2-I1-1</OrgnlEndToEndId><TxSts>RVNA</TxSts></TxInfAndSts>
            </OrgnlPmtInfAndSts>
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-VA-001</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts>
            </CstmrPmtStsRpt></Document>
            """.utf8).write(to: url)
        let result = try env.cli("reconcile", url.path, "--as-of", "2020-06-02")
        #expect(result.status == 3, "\(result.stderr)")
        var expected = Self.all(Self.bni, "PENDING").merging(Self.all(Self.va, "FAILED")) { $1 }
        expected["PK-1-I1-1"] = "PAID"
        // A payout whose only line has an unknown code was given a status of its own, one the
        // tool does not know: the block's is not put in its place.
        expected["PK-2-I1-1"] = "ISSUED"
        #expect(try Self.states(env) == expected)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions") == 2)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = 'UNKNOWN_STATUS'") == 2)
        // Lines made from a block name it; the file's own come first.
        #expect(try env.count("SELECT count(*) FROM disbursement.status_lines WHERE source_line IS NOT NULL AND line_no > 6") == 7)
    }

    /// Each pain.001 file's MsgId and PmtInfId are recorded when it is written, are what the
    /// file says, and stay the same when the files are rendered again.
    @Test func theWrittenFilesIdsAreRecordedAndStableOnRerender() throws {
        let env = try ReconcilerTests.night()
        let query = "SELECT msg_id, pmt_inf_id, channel, first_end_to_end_id, last_end_to_end_id, payouts FROM disbursement.payment_messages ORDER BY msg_id"
        func rows() throws -> [String] {
            try env.connection.query(query).map { row in
                try (0..<5).map { try row.decode($0, as: String.self) }.joined(separator: " ") + " \(try row.decode(5, as: Int.self))"
            }
        }
        let recorded = try rows()
        #expect(recorded == [
            "DSB-20200601-BNI-001 DSB-20200601-BNI-001 BNI PK-1-I1-1 PK-3-I2-1 6",
            "DSB-20200601-VA-001 DSB-20200601-VA-001 VA PK-1-T1-1 PK-3-T1-1 3",
        ])
        let folder = env.output.appending(path: "2020-06-01")
        let xml = try String(contentsOf: folder.appending(path: "BNI-001.xml"), encoding: .utf8)
        #expect(xml.contains("<MsgId>DSB-20200601-BNI-001</MsgId>") && xml.contains("<PmtInfId>DSB-20200601-BNI-001</PmtInfId>"))
        // A batch written before the ids were recorded gets them at the next run; a lost file
        // is rewritten byte for byte with the same ids.
        try env.connection.execute("DELETE FROM disbursement.payment_messages")
        try FileManager.default.removeItem(at: folder.appending(path: "BNI-001.xml"))
        try env.run("2020-06-01")
        #expect(try rows() == recorded)
        #expect(try String(contentsOf: folder.appending(path: "BNI-001.xml"), encoding: .utf8) == xml)
        try env.connection.execute("DELETE FROM disbursement.payment_messages")
        try env.run("2020-06-02")
        #expect(try rows() == recorded)
    }
}
