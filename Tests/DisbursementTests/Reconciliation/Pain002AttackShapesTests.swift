import Foundation
import Testing

@testable import Disbursement

/// The shapes of attack 17 on the pain.002 reader (F8, F9, F10, F19, M6): each is read as the
/// standard means it, or the file is refused whole with its line.
@Suite("pain.002 shapes from attack 17")
struct Pain002AttackShapesTests {
    static func pain002(_ inBlock: String, after: String = "") -> String {
        StatusReaderTests.pain002(inBlock).replacingOccurrences(of: "</CstmrPmtStsRpt>", with: after + "</CstmrPmtStsRpt>")
    }

    func lines(_ text: String) throws -> [StatusLine] {
        var lines: [StatusLine] = []
        try Pain002Reader.read(data: Data(text.utf8)) { lines.append($0) }
        return lines
    }

    static func tx(_ reference: String, _ status: String, amount: String? = nil) -> String {
        "<TxInfAndSts><OrgnlEndToEndId>\(reference)</OrgnlEndToEndId><TxSts>\(status)</TxSts>"
            + (amount.map { "<OrgnlTxRef><Amt><InstdAmt Ccy=\"IDR\">\($0)</InstdAmt></Amt></OrgnlTxRef>" } ?? "")
            + "</TxInfAndSts>"
    }

    /// F10, M6: a field given twice, or holding an element, leaves the line ambiguous.
    static let ambiguous: [(String, String)] = [
        (pain002("<TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><TxSts>ACSC</TxSts></TxInfAndSts>"),
         "line 5: TxInfAndSts has a status (GrpSts, PmtInfSts or TxSts) twice"),
        (pain002("""
            <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts>
            <OrgnlEndToEndId>PK-2-I1-1</OrgnlEndToEndId></TxInfAndSts>
            """), "line 6: TxInfAndSts has a reference"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts/><TxSts>ACSC</TxSts></TxInfAndSts>"), "twice"),
        (pain002("<TxInfAndSts><OrgnlInstrId>A</OrgnlInstrId><OrgnlInstrId>B</OrgnlInstrId><TxSts>ACSC</TxSts></TxInfAndSts>"), "twice"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "600000").replacingOccurrences(of: "</Amt>", with: "<InstdAmt>1</InstdAmt></Amt>")),
         "InstdAmt twice"),
        (pain002("<PmtInfSts>ACSC</PmtInfSts><PmtInfSts>RJCT</PmtInfSts>"), "OrgnlPmtInfAndSts has a status"),
        (pain002("").replacingOccurrences(of: "</OrgnlMsgId>", with: "</OrgnlMsgId><GrpSts>ACSC</GrpSts><GrpSts>RJCT</GrpSts>"),
         "OrgnlGrpInfAndSts has a status"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>PK-1<x/>-I1-1</OrgnlEndToEndId><OrgnlInstrId>PK-2-I1-1</OrgnlInstrId><TxSts>ACSC</TxSts></TxInfAndSts>"),
         "line 5: a reference (OrgnlMsgId, OrgnlPmtInfId or OrgnlEndToEndId) holds an element (<x>)"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts><b>ACSC</b></TxSts></TxInfAndSts>"), "holds an element"),
        // F19: a report inside the report, outside SplmtryData.
        (pain002(tx("PK-1-I1-1", "ACSC"), after: "<CstmrPmtStsRpt/>"), "a CstmrPmtStsRpt inside the report"),
        // F9: one block, two different words.
        (pain002("<PmtInfSts>ACSC</PmtInfSts>", after: """
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts>
            """), "line 6: OrgnlPmtInfAndSts DSB-****0601-BNI-001 is given another status or reason than at line 5"),
        (pain002("<PmtInfSts>RJCT</PmtInfSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>", after: """
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts><StsRsnInf><Rsn><Cd>DU01</Cd></Rsn></StsRsnInf></OrgnlPmtInfAndSts>
            """), "another status or reason"),
        (pain002("<PmtInfSts>ACCP</PmtInfSts>", after: String(
            repeating: "<OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts></OrgnlPmtInfAndSts>",
            count: Pain002Scanner.maxScopeStatuses)), "more than 1000 block and group statuses"),
        // F8: exponents and signs other than a leading + stay refused.
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "6.0E5")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "-600000")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "+")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: ".")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "+.")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "++1")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "1+")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "1..0")), "not a decimal"),
        (pain002(tx("PK-1-I1-1", "ACSC", amount: "+1000000000001.")), "above 10^12"),
    ]

    @Test(arguments: ambiguous)
    func isRefusedWithItsLine(_ input: (String, String)) {
        #expect {
            _ = try lines(input.0)
        } throws: { error in
            (error as? StatusFileError)?.description.contains(input.1) == true
        }
    }

    /// F8: every xs:decimal form of a whole amount is that amount; a fraction is a mismatch.
    @Test func everyDecimalFormIsRead() throws {
        let forms = ["+600000", "600000.", "+600000.", "0000600000", "+0600000.000", "600000.00"]
        let read = try lines(Self.pain002(forms.enumerated().map { Self.tx("PK-\($0.offset + 1)-I1-1", "ACSC", amount: $0.element) }.joined()
            + Self.tx("PK-9-I1-1", "ACSC", amount: ".5") + Self.tx("PK-10-I1-1", "ACSC", amount: "+.0")))
        #expect(read.map(\.amount) == Array(repeating: 600_000, count: forms.count) + [nil, 0])
        #expect(read.map(\.amountNote) == Array(repeating: nil, count: forms.count) + [".5", nil])
        // The CSV form is ours and stays strict.
        #expect(throws: StatusFileError.self) {
            try StatusAmount.parse("+600000", line: 1)
        }
    }

    /// F19: SplmtryData is skipped whole, whatever it holds; the report goes on after it.
    @Test func supplementaryDataIsSkippedWhole() throws {
        let read = try lines(Self.pain002(
            Self.tx("PK-1-I1-1", "ACSC")
                + "<SplmtryData><Envlp><CstmrPmtStsRpt><TxInfAndSts><OrgnlEndToEndId>PK-3-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts></CstmrPmtStsRpt><SplmtryData/></Envlp></SplmtryData>"
                + Self.tx("PK-2-I1-1", "RJCT"),
            after: "<SplmtryData><Envlp><CstmrPmtStsRpt/></Envlp></SplmtryData>"
                + "<OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-VA-001</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts>"))
        #expect(read.map(\.endToEndId) == ["PK-1-I1-1", "PK-2-I1-1", "DSB-20200601-VA-001"])
        #expect(read.map(\.status) == [.paid, .failed, .failed])
    }

    /// F9: a block stated again in the same words is handed on again (the reconciler makes it
    /// one DUPLICATE_LINE), up to the cap.
    @Test func aRepeatInTheSameWordsIsHandedOn() throws {
        let repeatBlock = "<OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts></OrgnlPmtInfAndSts>"
        let read = try lines(Self.pain002("<PmtInfSts>ACCP</PmtInfSts>", after: String(repeating: repeatBlock, count: 2)))
        #expect(read.count == 3 && read.allSatisfy { $0.scope == .block && $0.status == .pending })
    }
}

/// F9 against a real night: a block stated again writes one line per repeat, not one per payout.
@Suite("pain.002 repeats against a night")
struct Pain002RepeatTests {
    @Test func aRepeatedBlockIsExpandedOnce() throws {
        let env = try ReconcilerTests.night()
        let url = env.output.appending(path: "repeats.xml")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        let block = "<OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId><PmtInfSts>ACTC</PmtInfSts></OrgnlPmtInfAndSts>"
        try Data(StatusReaderTests.pain002("<PmtInfSts>ACTC</PmtInfSts>")
            .replacingOccurrences(of: "</CstmrPmtStsRpt>", with: String(repeating: block, count: 999) + "</CstmrPmtStsRpt>").utf8)
            .write(to: url)
        let result = try env.cli("reconcile", url.path, "--as-of", "2020-06-02")
        #expect(result.status == 3, "\(result.stderr)")
        // 6 payouts of the block once each, and one DUPLICATE_LINE for each of the 999 repeats.
        #expect(try env.count("SELECT count(*) FROM disbursement.status_lines") == 6 + 999)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = 'DUPLICATE_LINE'") == 999)
        #expect(try env.count("SELECT count(*) FROM disbursement.recon_exceptions") == 999)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE status = 'PENDING'") == 6)
        #expect(try env.count("SELECT count(*) FROM disbursement.status_lines WHERE source_line = 1") == 6 + 999)
    }
}
