import Foundation
import Testing

@testable import Disbursement

/// Only a line written alike is a DUPLICATE_LINE (attack finding 9): `paid` and `PAID`,
/// `600000` and `600000.00`, padding, `ACSC` and `ACCC` are two reports of one status, the
/// second UNCHANGED; what CSV quoting, XML entities, CDATA or prefixes take away does not count.
@Suite("the same line")
struct SameLineTests {
    let recon = ReconcilerTests()

    func write(_ env: TestEnvironment, _ name: String, _ text: String) throws -> String {
        let url = env.output.appending(path: name)
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func csvLinesWrittenOtherwiseAreNoDuplicates() throws {
        let env = try ReconcilerTests.night()
        let outcome = try recon.reconcile(env, [try recon.statusFile(env, "a.csv", [
            "PK-1-I1-1,PAID,600000,,,",
            "PK-1-I1-1,paid,600000,,,",
            "PK-1-I1-1,PAID,600000.00,,,",
            "PK-1-I1-1, PAID,600000,,,",
            "PK-1-I1-1,PAID,600000,,, ",
            "\"PK-1-I1-1\",\"PAID\",600000,,,",  // the first line again, once its quotes are off
            "PK-1-I1-1,paid,600000,,,",  // the second again
        ])])
        #expect(outcome.files[0].exceptions == ["DUPLICATE_LINE": 2])
        #expect(outcome.files[0].unchanged == 4)
        #expect(outcome.files[0].applied == ["PAID": 1])
        #expect(try recon.status(env, "PK-1-I1-1") == "PAID")
    }

    @Test func pain002LinesWrittenOtherwiseAreNoDuplicates() throws {
        let env = try ReconcilerTests.night()
        func tx(_ status: String, _ amount: String = "<OrgnlTxRef><Amt><InstdAmt Ccy=\"IDR\">600000</InstdAmt></Amt></OrgnlTxRef>") -> String {
            "<TxInfAndSts><OrgnlEndToEndId>PK-2-I1-1</OrgnlEndToEndId><TxSts>\(status)</TxSts>\(amount)</TxInfAndSts>"
        }
        let file = try write(env, "a.xml", StatusReaderTests.pain002([
            tx("ACSC"),
            tx("ACCC"),
            tx(" ACSC "),
            tx("ACSC", "<OrgnlTxRef><Amt><InstdAmt Ccy=\"IDR\">600000.00</InstdAmt></Amt></OrgnlTxRef>"),
            tx("ACSC", "<OrgnlTxRef><Amt><InstdAmt>600000</InstdAmt></Amt></OrgnlTxRef>"),
            tx("<![CDATA[ACSC]]>"),  // the first again, as XML reads it
            tx("&#65;CSC"),  // and again
            tx("ACCC"),  // the second again
        ].joined()))
        let outcome = try recon.reconcile(env, [file])
        #expect(outcome.files[0].exceptions == ["DUPLICATE_LINE": 3])
        #expect(outcome.files[0].unchanged == 4)
        #expect(outcome.files[0].applied == ["PAID": 1])
    }

    /// Search: seeded files of lines for one payout, each written in one of several ways; the
    /// duplicates counted must be the lines whose fields as written (worked out here, by the
    /// generator that wrote them) came before in the file.
    @Test(arguments: [UInt64(9)])
    func duplicatesAreTheLinesWrittenAlike(seed: UInt64) throws {
        let env = try ReconcilerTests.night()
        var random = SplitMix64(seed: seed)
        // (as the file writes it, as it reads once quotes, entities and CDATA are off)
        let csvStatus = [("PAID", "PAID"), ("paid", "paid"), ("\"PAID\"", "PAID"), (" PAID", " PAID"), ("Paid", "Paid")]
        let csvAmount = [("600000", "600000"), ("600000.00", "600000.00"), ("\"600000\"", "600000"), ("", ""), ("0600000", "0600000")]
        let csvReason = [("", ""), ("note", "note"), ("\"note\"", "note"), ("note ", "note ")]
        let xmlStatus = [("ACSC", "ACSC"), ("ACCC", "ACCC"), ("<![CDATA[ACSC]]>", "ACSC"), ("&#65;CSC", "ACSC"), (" ACSC", " ACSC")]
        let xmlAmount = [
            ("<InstdAmt Ccy=\"IDR\">600000</InstdAmt>", "IDR 600000"), ("<InstdAmt Ccy=\"IDR\">600000.0</InstdAmt>", "IDR 600000.0"),
            ("<InstdAmt>600000</InstdAmt>", "- 600000"), ("<InstdAmt Ccy='IDR'>600000</InstdAmt>", "IDR 600000"),
        ]
        let xmlReason = [("", ""), ("<StsRsnInf><AddtlInf>note</AddtlInf></StsRsnInf>", "note"),
                         ("<StsRsnInf><AddtlInf>no</AddtlInf><AddtlInf>te</AddtlInf></StsRsnInf>", "no|te")]
        for round in 0..<8 {
            let reference = ["PK-1-I1-1", "PK-2-I1-1", "PK-3-I1-1", "PK-1-I2-1"][round % 4]
            var rows: [String] = [], xml: [String] = []
            var csvSeen = Set<String>(), xmlSeen = Set<String>()
            var csvDuplicates = 0, xmlDuplicates = 0
            for _ in 0..<(3 + random.below(6)) {
                let (status, readStatus) = csvStatus[random.below(csvStatus.count)]
                let (amount, readAmount) = csvAmount[random.below(csvAmount.count)]
                let (reason, readReason) = csvReason[random.below(csvReason.count)]
                rows.append("\(reference),\(status),\(amount),,\(reason),2020-06-0\(1 + round % 2)")
                if !csvSeen.insert("\(readStatus)|\(readAmount)|\(readReason)").inserted { csvDuplicates += 1 }
                let (code, readCode) = xmlStatus[random.below(xmlStatus.count)]
                let (xmlAmountText, readXMLAmount) = xmlAmount[random.below(xmlAmount.count)]
                let (xmlReasonText, readXMLReason) = xmlReason[random.below(xmlReason.count)]
                xml.append("<TxInfAndSts><OrgnlEndToEndId>\(reference)</OrgnlEndToEndId><TxSts>\(code)</TxSts>\(xmlReasonText)"
                           + "<OrgnlTxRef><Amt>\(xmlAmountText)</Amt></OrgnlTxRef></TxInfAndSts>")
                if !xmlSeen.insert("\(readCode)|\(readXMLAmount)|\(readXMLReason)").inserted { xmlDuplicates += 1 }
            }
            let csv = try recon.reconcile(env, [try recon.statusFile(env, "r\(round).csv", rows)])
            #expect(csv.files[0].alreadyImported || csv.files[0].exceptions["DUPLICATE_LINE", default: 0] == csvDuplicates,
                    "round \(round): \(rows)")
            let pain = try recon.reconcile(env, [try write(env, "r\(round).xml", StatusReaderTests.pain002(xml.joined()))])
            #expect(pain.files[0].alreadyImported || pain.files[0].exceptions["DUPLICATE_LINE", default: 0] == xmlDuplicates,
                    "round \(round): \(xml)")
        }
    }
}
