import Foundation
import Testing

@testable import Disbursement

/// Hostile status files fed to the real `disburse reconcile`: each line is applied, becomes an
/// exception, or the whole file is refused with exit 65 and nothing of it imported.
@Suite("hostile status files")
struct HostileStatusFileTests {
    enum Outcome: Sendable, CustomStringConvertible {
        case applied(String, String)  // end_to_end_id, resulting payout status
        case exception(String)  // exception kind, exit 3
        case refused(String)  // exit 65, message contains this

        var description: String {
            switch self {
            case .applied(let reference, let status): "\(reference) becomes \(status)"
            case .exception(let kind): "exception \(kind)"
            case .refused(let text): "refused naming \(text)"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let bytes: [UInt8]
        let outcome: Outcome
        var testDescription: String { "\(label) → \(outcome)" }
    }

    static let header = "end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\n"
    static func csv(_ label: String, _ body: String, _ outcome: Outcome) -> Case {
        Case(label: label, bytes: Array((header + body).utf8), outcome: outcome)
    }
    static func xml(_ label: String, _ text: String, _ outcome: Outcome) -> Case {
        Case(label: label, bytes: Array(text.utf8), outcome: outcome)
    }
    static func transaction(_ reference: String, _ status: String, extra: String = "") -> String {
        StatusReaderTests.pain002(
            "<TxInfAndSts><OrgnlEndToEndId>\(reference)</OrgnlEndToEndId><TxSts>\(status)</TxSts>\(extra)</TxInfAndSts>")
    }

    static let cases: [Case] = [
        Case(label: "byte order mark and CRLF", bytes: [0xEF, 0xBB, 0xBF] + Array((header + "PK-1-T1-1,PAID,1000000,,,\r\n").utf8),
             outcome: .applied("PK-1-T1-1", "PAID")),
        csv("LF line ends", "PK-1-T1-1,PAID,1000000,,,\n", .applied("PK-1-T1-1", "PAID")),
        csv("embedded newline in a quoted reason", "PK-1-I1-1,FAILED,600000,AC04,\"closed\r\nby bank\",\r\n", .applied("PK-1-I1-1", "FAILED")),
        csv("formula in the reason text", "PK-1-I1-1,FAILED,600000,AC04,\"=cmd|' /C calc'!A0\",\r\n", .applied("PK-1-I1-1", "FAILED")),
        csv("4 kB reason text", "PK-1-I1-1,FAILED,600000,AC04,\(String(repeating: "x", count: 4096)),\r\n", .applied("PK-1-I1-1", "FAILED")),
        csv("10 kB reason text", "PK-1-I1-1,FAILED,600000,AC04,\(String(repeating: "x", count: 10_240)),\r\n", .refused("4 KiB")),
        csv("a million commas", "PK-1-I1-1,FAILED,600000,AC04," + String(repeating: ",", count: 1_000_000) + "\r\n", .refused("more than 6 columns")),
        csv("amount with zero decimals", "PK-1-T1-1,PAID,1000000.00000,,,\r\n", .applied("PK-1-T1-1", "PAID")),
        csv("amount with a fraction", "PK-1-T1-1,PAID,1000000.01,,,\r\n", .exception("AMOUNT_MISMATCH")),
        csv("right-to-left mark in the reason", "PK-1-I1-1,FAILED,600000,AC04,\u{202E}desoolc,\r\n", .applied("PK-1-I1-1", "FAILED")),
        csv("leading zeros in the amount", "PK-1-T1-1,PAID,0001000000,,,\r\n", .applied("PK-1-T1-1", "PAID")),
        csv("settled in year 1", "PK-1-T1-1,PAID,1000000,,,0001-01-01\r\n", .applied("PK-1-T1-1", "PAID")),
        csv("settled in 9999", "PK-1-T1-1,PAID,1000000,,,9999-12-31\r\n", .applied("PK-1-T1-1", "PAID")),
        csv("SQL in the reference", "'; DROP TABLE x;--,PAID,1,,,\r\n", .exception("UNKNOWN_REFERENCE")),
        csv("amount at the bigint limit", "PK-1-T1-1,PAID,9223372036854775807,,,\r\n", .refused("10^12")),
        // Two of them once overflowed the file's rupiah sum in Swift and trapped.
        csv("two amounts near the bigint limit", "PK-1-T1-1,PAID,9000000000000000000,,,\r\nPK-9-T1-1,PAID,9000000000000000000,,,\r\n",
            .refused("10^12")),
        csv("amount just above 10^12", "PK-1-T1-1,PAID,1000000000001,,,\r\n", .refused("line 2")),
        csv("amount of exactly 10^12", "PK-1-T1-1,PAID,1000000000000,,,\r\n", .exception("AMOUNT_MISMATCH")),
        // Each line for one entitlement is a round of statements: a flood of them is refused.
        csv("101 different lines for one payout", (0...100).map { "PK-1-T1-1,PENDING,1000000,,note \($0),\r\n" }.joined(),
            .refused("more than 100")),
        csv("100 different lines for one payout", (1...100).map { "PK-1-T1-1,PENDING,1000000,,note \($0),\r\n" }.joined(),
            .applied("PK-1-T1-1", "PENDING")),
        xml("pain.002 amount above 10^12", transaction(
            "PK-1-T1-1", "ACSC", extra: "<OrgnlTxRef><Amt><InstdAmt Ccy=\"IDR\">1000000000001</InstdAmt></Amt></OrgnlTxRef>"),
            .refused("10^12")),
        csv("a line twice", "PK-1-T1-1,PAID,1000000,,,\r\nPK-1-T1-1,PAID,1000000,,,\r\n", .exception("DUPLICATE_LINE")),
        csv("lower-case reference", "pk-1-t1-1,PAID,1000000,,,\r\n", .exception("UNKNOWN_REFERENCE")),
        csv("amount beyond bigint", "PK-1-T1-1,PAID,9223372036854775808,,,\r\n", .refused("line 2")),
        csv("NUL in a line", "PK-1-T1-1,PAID,1000000,\u{0},,\r\n", .refused("line 2")),
        Case(label: "Latin-1 bytes", bytes: Array((header + "PK-1-I1-1,FAILED,600000,AC04,").utf8) + [0xE9] + Array(",\r\n".utf8),
             outcome: .refused("UTF-8")),
        csv("unterminated quote", "PK-1-T1-1,PAID,1000000,,\"never closed\r\n", .refused("line 2")),
        csv("lower-case status (read as upper case)", "PK-1-T1-1,paid,1000000,,,\r\n", .applied("PK-1-T1-1", "PAID")),
        csv("unknown status", "PK-1-T1-1,PAYED,1000000,,,\r\n", .refused("line 2")),
        csv("formula as amount", "PK-1-T1-1,PAID,=1+1,,,\r\n", .refused("line 2")),
        csv("a good line then a bad one", "PK-1-T1-1,PAID,1000000,,,\r\nPK-1-I1-1,PAID,x,,,\r\n", .refused("line 3")),
        Case(label: "empty file", bytes: [], outcome: .refused("empty")),
        xml("pain.002 paid", transaction("PK-1-T1-1", "ACSC"), .applied("PK-1-T1-1", "PAID")),
        xml("pain.002 rejected with a reason", transaction("PK-1-I1-1", "RJCT", extra: "<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>"),
            .applied("PK-1-I1-1", "FAILED")),
        xml("pain.002 unknown reference", transaction("PK-9-T1-1", "ACSC"), .exception("UNKNOWN_REFERENCE")),
        xml("external entity (XXE)", """
            <?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><x>&xxe;</x></Document>
            """, .refused("DTD")),
        xml("billion laughs", """
            <?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>
            """, .refused("DTD")),
        xml("truncated XML", String(transaction("PK-1-T1-1", "ACSC").dropLast(40)), .refused("well-formed")),
        xml("a pain.001 instead of a pain.002", """
            <?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>
            """, .refused("root")),
        xml("unknown transaction status", transaction("PK-1-T1-1", "ZZZZ"), .exception("UNKNOWN_STATUS")),
        xml("transaction without any reference", StatusReaderTests.pain002("<TxInfAndSts><TxSts>ACSC</TxSts></TxInfAndSts>"),
            .exception("UNKNOWN_REFERENCE")),
        xml("a reference of 36 characters", transaction(String(repeating: "9", count: 36), "ACSC"), .refused("longer than 35")),
        xml("amount in another currency", transaction(
            "PK-1-T1-1", "ACSC", extra: "<OrgnlTxRef><Amt><InstdAmt Ccy=\"USD\">1000000</InstdAmt></Amt></OrgnlTxRef>"),
            .exception("AMOUNT_MISMATCH")),
        xml("a misspelt namespace", transaction("PK-1-T1-1", "ACSC").replacingOccurrences(of: "urn:iso:std:iso:20022", with: "urn:iso:std:iso:2002"),
            .applied("PK-1-T1-1", "PAID")),
        xml("a group status naming a message nobody wrote", StatusReaderTests.pain002("")
            .replacingOccurrences(of: "<OrgnlMsgId>DSB-20200601", with: "<OrgnlMsgId>DSB-20990101")
            .replacingOccurrences(of: "</OrgnlMsgNmId>", with: "</OrgnlMsgNmId><GrpSts>RJCT</GrpSts>"), .exception("UNKNOWN_REFERENCE")),
        // Too short to be the XML declaration and at the very end (found in review): the
        // parser must never see a processing instruction without data.
        Case(label: "processing instruction in the last bytes", bytes: Array((transaction("PK-1-T1-1", "ACSC") + "<?a?>").utf8),
             outcome: .refused("processing instruction")),
    ]

    @Test(arguments: cases)
    func isAppliedBecomesAnExceptionOrIsRefusedWhole(_ testCase: Case) throws {
        let env = try ReconcilerTests.night()
        let file = env.output.appending(path: "status-file")
        try Data(testCase.bytes).write(to: file)
        let before = try env.snapshot()
        let result = try env.cli("reconcile", file.path, "--as-of", "2020-06-02")
        #expect(!result.killedBySignal)
        switch testCase.outcome {
        case .applied(let reference, let status):
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try env.connection.queryOne(
                "SELECT status FROM disbursement.payouts WHERE end_to_end_id = $1", [reference]).decode(0, as: String.self) == status)
        case .exception(let kind):
            #expect(result.status == 3, "\(result.stderr)")
            #expect(try env.count(
                "SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = $1 AND line_no IS NOT NULL", [kind]) >= 1)
        case .refused(let text):
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains(text), "\(result.stderr)")
            #expect(try env.count("SELECT count(*) FROM disbursement.status_files") == 0)
            #expect(try env.count("SELECT count(*) FROM disbursement.status_lines") == 0)
            #expect(try env.snapshot() == before)
        }
        #expect(!result.stderr.contains("root:x:0"))
    }
}
