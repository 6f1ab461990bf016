import Foundation
import Testing

@testable import Disbursement

@Suite("status file readers")
struct StatusReaderTests {
    static let header = "end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\n"

    func csv(_ text: String) throws -> [StatusLine] {
        var lines: [StatusLine] = []
        try CSVStatusReader.read(data: Data(text.utf8)) { lines.append($0) }
        return lines
    }

    @Test func readsEveryStatusWithBOMQuotesAndEmbeddedNewlines() throws {
        let lines = try csv("\u{FEFF}" + Self.header + """
            PK-1-T1-1,PAID,1000000,,,2020-06-02T10:00:00+07:00\r
            PK-2-I1-1,failed,600000.00,AC04,"Closed, per ""bank""\nsecond line",\r
            PK-3-I1-1,RETURNED,,MD07,,2020-06-03\r
            PK-4-S1-1,PENDING,50000,,,

            """)
        #expect(lines.map(\.status) == [.paid, .failed, .returned, .pending])
        #expect(lines[1].reasonText == "Closed, per \"bank\"\nsecond line")
        #expect(lines[1].amount == 600_000)
        #expect(lines[2].amount == nil)
        #expect(lines.map(\.lineNumber) == [2, 3, 5, 6])
    }

    static let badCSV: [(String, String)] = [
        ("", "empty"),
        ("id,status\r\n", "header"),
        (header + "PK-1-T1-1,PAYED,1,,,\r\n", "status 'PAYED'"),
        (header + "PK-1-T1-1,PAID,1.5.0,,,\r\n", "amount"),
        (header + "PK-1-T1-1,PAID,.5,,,\r\n", "amount"),
        (header + "PK-1-T1-1,PAID,5.,,,\r\n", "amount"),
        (header + "PK-1-T1-1,PAID,1000000000001,,,\r\n", "above 10^12"),
        (header + "PK-1-T1-1,PAID,1000000000000.5,,,\r\n", "above 10^12"),
        (header + "PK-1-T1-1,FAILED,1,AC04,\(String(repeating: "x", count: 4097)),\r\n", "longer than 4 KiB"),
        (header + "PK-1-T1-1,PAID,1,,,\(String(repeating: ",", count: 100_000))\r\n", "more than 6 columns"),
        (header + "PK-1-T1-1,PAID,-1,,,\r\n", "amount"),
        (header + "PK-1-T1-1,PAID,1e6,,,\r\n", "amount"),
        (header + "PK-1-T1-1,PAID,99999999999999999999,,,\r\n", "amount"),
        (header + ",PAID,1,,,\r\n", "end_to_end_id is empty"),
        (header + String(repeating: "X", count: 40) + ",PAID,1,,,\r\n", "longer than 35"),
        (header + "PK-1-T1-1,PAID,1,,\r\n", "5 columns"),
        (header + "PK-1-T1-1,PAID,1,,,,\r\n", "more than 6 columns"),
        (header + "PK-1-T1-1,PAID,1,,\"unterminated,\r\n", "never closed"),
        (header + "PK-1-T1-1,PA\"ID,1,,,\r\n", "quote in the middle"),
        (header + "PK-1-T1-1,PAID,1,,,yesterday\r\n", "settled_at"),
        (header + "PK-1-T1-1,PAID,1,,,2020-13-45\r\n", "settled_at"),
        (header + "PK-1-T1-1,PAID,=1+1,,,\r\n", "amount"),
    ]

    @Test(arguments: badCSV)
    func malformedCSVNamesTheLine(_ input: (String, String)) {
        #expect {
            _ = try csv(input.0)
        } throws: { error in
            guard let error = error as? StatusFileError else { return false }
            return error.description.contains(input.1) && (input.0.isEmpty || error.line != nil)
        }
    }

    @Test func nonUTF8IsRefused() {
        var data = Data(Self.header.utf8)
        data += Data("PK-1-T1-1,FAILED,1,AC04,".utf8) + Data([0xC3, 0x28]) + Data(",\r\n".utf8)
        #expect(throws: StatusFileError.self) { try CSVStatusReader.read(data: data) { _ in } }
    }

    static func pain002(_ transactions: String, namespace: String = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="\(namespace)"><CstmrPmtStsRpt>
        <GrpHdr><MsgId>S1</MsgId><CreDtTm>2020-06-02T10:00:00+07:00</CreDtTm></GrpHdr>
        <OrgnlGrpInfAndSts><OrgnlMsgId>DSB-20200601-BNI-001</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
        <OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-BNI-001</OrgnlPmtInfId>\(transactions)</OrgnlPmtInfAndSts>
        </CstmrPmtStsRpt></Document>
        """
    }

    /// The values read, without the form as written (`StatusLine.asWritten`, see SameLineTests).
    static func read(_ lines: [StatusLine]) -> [StatusLine] {
        lines.map { line in
            var line = line
            line.asWritten = nil
            return line
        }
    }

    func xml(_ text: String) throws -> [StatusLine] {
        var lines: [StatusLine] = []
        try Pain002Reader.read(data: Data(text.utf8)) { lines.append($0) }
        return lines
    }

    @Test func mapsEveryTransactionStatus() throws {
        let codes = ["ACSC": PayoutStatus.paid, "RJCT": .failed, "ACSP": .pending, "ACCP": .pending, "ACTC": .pending, "PDNG": .pending]
        for (code, status) in codes {
            let lines = try xml(Self.pain002("""
                <TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>\(code)</TxSts>\
                <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Closed &amp; gone</AddtlInf></StsRsnInf>\
                <OrgnlTxRef><Amt><InstdAmt Ccy="IDR">600000</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>
                """))
            #expect(Self.read(lines) == [StatusLine(lineNumber: 1, endToEndId: "PK-1-I1-1", status: status, amount: 600_000,
                                                    reasonCode: "AC04", reasonText: "Closed & gone", settledAt: nil)])
            // A code other than the status's plain one is kept as written: ACCP and ACTC are two lines.
            #expect((lines.first?.asWritten == nil) == ["ACSC", "RJCT", "PDNG"].contains(code))
        }
    }

    static let badXML: [(String, String)] = [
        (pain002(""), "states no status"),
        (pain002("<PmtInfSts>PART</PmtInfSts>"), "states no status"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>\(String(repeating: "A", count: 36))</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"),
         "longer than 35"),
        (pain002("<PmtInfSts>\(String(repeating: "A", count: 36))</PmtInfSts>"), "longer than 35"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><AddtlInf>\(String(repeating: "x", count: 4097))</AddtlInf></StsRsnInf></TxInfAndSts>"),
         "longer than 4 KiB"),
        // Many short AddtlInf: refused as they add up, not after all of them are held in memory.
        (pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf>"
                 + String(repeating: "<AddtlInf>\(String(repeating: "x", count: 30))</AddtlInf>", count: 200) + "</StsRsnInf></TxInfAndSts>"),
         "longer than 4 KiB together"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf>"
                 + String(repeating: "<AddtlInf>\(String(repeating: " ", count: 40))y</AddtlInf>", count: 1000) + "</StsRsnInf></TxInfAndSts>"),
         "longer than 4 KiB together"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>ACSC</TxSts><OrgnlTxRef><Amt><InstdAmt Ccy=\"IDR\">1000000000001</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>"),
         "above 10^12"),
        (pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxInfAndSts/></TxInfAndSts>"), "misplaced"),
        (pain002("") + pain002("").replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: ""), "well-formed"),
        ("<Envelope>" + pain002("<PmtInfSts>ACCP</PmtInfSts>").replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
            + pain002("<PmtInfSts>ACCP</PmtInfSts>").replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "") + "</Envelope>",
         "second CstmrPmtStsRpt"),
        ("""
         <?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>
         """, "root is not a pain.002 Document"),
        (String(pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>").dropLast(30)), "well-formed"),
        ("not xml at all <", "well-formed"),
        ("""
         <?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
         <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><x>&xxe;</x></Document>
         """, "DTD"),
        ("""
         <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>
         """, "DTD"),
        // An entity nobody declared, a mismatched end tag (libxml2's own words and line), gzip.
        (pain002("<TxInfAndSts><OrgnlEndToEndId>&xxe;</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"), "well-formed"),
        (pain002("\n\n<TxInfAndSts><TxSts>ACSC</TxStatus></TxInfAndSts>"), "line 7: not well-formed XML (Opening and ending tag mismatch"),
        (String(decoding: [0x1F, 0x8B, 0x08, 0x00], as: UTF8.self), "control character"),
    ]

    /// Block and group statuses, OrgnlInstrId, unknown codes and amounts that cannot be ours
    /// come out as lines; the reconciler decides what they do.
    @Test func readsBlockAndGroupStatusesAndWhatCannotBeApplied() throws {
        let document = """
            <Document><CstmrPmtStsRpt><GrpHdr><MsgId>M</MsgId></GrpHdr>
            <OrgnlGrpInfAndSts><OrgnlMsgId>DSB-20200601-BNI-001</OrgnlMsgId><GrpSts>RJCT</GrpSts>
              <StsRsnInf><Rsn><Cd>DU01</Cd></Rsn><AddtlInf>Duplicate</AddtlInf></StsRsnInf></OrgnlGrpInfAndSts>
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>B-1</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts>
              <TxInfAndSts><OrgnlInstrId>PK-1-I1-1</OrgnlInstrId><TxSts>RVNA</TxSts></TxInfAndSts>
              <TxInfAndSts><TxSts>ACSC</TxSts><OrgnlTxRef><Amt><InstdAmt Ccy="USD">10.50</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>
              <TxInfAndSts><OrgnlEndToEndId>PK-2-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts>
                <OrgnlTxRef><Amt><InstdAmt Ccy="IDR">600000.50</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>
              <TxInfAndSts><OrgnlEndToEndId>PK-3-I1-1</OrgnlEndToEndId><TxSts>PDNG</TxSts>
                <OrgnlTxRef><Amt><InstdAmt Ccy="IDR">600000.00000</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>
            </OrgnlPmtInfAndSts>
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>B-2</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts></OrgnlPmtInfAndSts>
            <OrgnlPmtInfAndSts><OrgnlPmtInfId>B-3</OrgnlPmtInfId><PmtInfSts>XYZ1234567890</PmtInfSts></OrgnlPmtInfAndSts>
            </CstmrPmtStsRpt></Document>
            """
        var lines: [StatusLine] = []
        let report = try Pain002Reader.read(data: Data(document.utf8)) { lines.append($0) }
        #expect(report.statuses == 7 && report.declaredVersion == nil && report.declaredNamespace == nil)
        #expect(lines.map(\.scope) == [.group, .transaction, .transaction, .transaction, .transaction, .block, .block])
        #expect(lines.map(\.lineNumber) == Array(1...7))
        #expect(lines[0].endToEndId == "DSB-20200601-BNI-001" && lines[0].status == .failed && lines[0].reasonCode == "DU01"
                && lines[0].reasonText == "Duplicate")
        #expect(lines[1].endToEndId == "PK-1-I1-1" && lines[1].status == nil && lines[1].statusCode == "RVNA")
        #expect(lines[2].endToEndId == "" && lines[2].status == .paid && lines[2].amount == nil && lines[2].amountNote == "USD 10.50")
        #expect(lines[3].amount == nil && lines[3].amountNote == "600000.50")
        #expect(lines[4].status == .pending && lines[4].amount == 600_000 && lines[4].amountNote == nil)
        #expect(lines[5].endToEndId == "B-1" && lines[5].status == .pending)
        // An unknown code is kept for the exception, its digit runs masked.
        #expect(lines[6].endToEndId == "B-3" && lines[6].status == nil && lines[6].statusCode == "XYZ******7890")
    }

    @Test(arguments: [
        ("urn:iso:std:iso:20022:tech:xsd:pain.002.001.03", "pain.002.001.03"),
        ("http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd", "pain.002.001.03.ch.02"),
        ("urn:iso:std:iso:20022:tech:xsd:pain.002.001.12", "pain.002.001.12"),
        ("urn:iso:std:iso:20022:tech:xsd:pain.002.001.", nil),
        ("urn:iso:std:iso:20022:tech:xsd:pain002.001.10", nil),
        ("", nil),
    ] as [(String, String?)])
    func theDeclaredVersionIsReadNotEnforced(_ input: (String, String?)) throws {
        let transaction = "<TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"
        let report = try Pain002Reader.read(data: Data(Self.pain002(transaction, namespace: input.0).utf8)) { _ in }
        #expect(report.statuses == 1 && report.declaredVersion == input.1)
        #expect(report.declaredNamespace == (input.0.isEmpty ? nil : input.0))
    }

    /// The line named is the root's own, not where the parser had read to.
    @Test func aWrongRootIsRefusedAtItsOwnLine() {
        let body = (0..<2000).map { "<CdtTrfTxInf><PmtId><EndToEndId>PK-\($0)-I1-1</EndToEndId></PmtId></CdtTrfTxInf>" }
        let document = "<?xml version=\"1.0\"?>\n<!-- a pain.001 sent back by mistake -->\n\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">\n<CstmrCdtTrfInitn>\n"
            + body.joined(separator: "\n") + "\n</CstmrCdtTrfInitn></Document>\n"
        #expect {
            try xml(document)
        } throws: { error in
            (error as? StatusFileError)?.description.hasPrefix("line 4: the root is not a pain.002 Document") == true
        }
    }

    /// Fields echoed in an error keep only the last four digits of any run of eight or more.
    @Test func errorsMaskLongDigitRuns() {
        let nik = "3171000000000042"
        for (input, isXML) in [
            (Self.header + "PK-1-T1-1,\(nik),1,,,\r\n", false),
            (Self.header + "PK-1-T1-1,PAID,\(nik)x,,,\r\n", false),
            (Self.header + "PK-1-T1-1,PAID,1,,,\(nik)\r\n", false),
            ("\(nik),status,amount,reason_code,reason_text,settled_at\r\n", false),
            (Self.pain002("<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>ACSC</TxSts><OrgnlTxRef><Amt><InstdAmt>\(nik)x</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>"), true),
            ("<?xml version=\"1.0\"?><Document xmlns=\"urn:\(nik)\"><N\(nik)/></Document>", true),
            ("<?xml version=\"1.0\"?><Document><CstmrPmtStsRpt><A\(nik)></B\(nik)></CstmrPmtStsRpt></Document>", true),
        ] {
            #expect {
                if isXML { _ = try xml(input) } else { _ = try csv(input) }
            } throws: { error in
                let text = (error as? StatusFileError)?.description ?? ""
                return !text.isEmpty && !text.contains(nik) && !text.contains("00000000")
            }
        }
    }

    /// The file is read once, through one descriptor: what is hashed is what is parsed, even
    /// if the file is replaced while it is read; and any chunking reads the same lines.
    @Test func oneDescriptorHashesWhatItParses() throws {
        let transaction = "<TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"
        let original = Array(Self.pain002(transaction).utf8)
        let folder = FileManager.default.temporaryDirectory.appending(path: "swap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "status.xml").path
        try Data(original).write(to: URL(fileURLWithPath: path))
        let input = try StatusFileInput(path: path, chunkSize: 64)
        let head = try input.peek()
        #expect(StatusFileFormat.detect(firstBytes: head) == .pain002)
        // Replaced after it was opened: the import reads and hashes the bytes it opened.
        let other = folder.appending(path: "other.xml")
        try Data(Self.pain002(transaction.replacingOccurrences(of: "ACSC", with: "RJCT")).utf8).write(to: other)
        #expect(rename(other.path, path) == 0)
        var lines: [StatusLine] = []
        try Pain002Reader.read(input) { lines.append($0) }
        #expect(lines.map(\.status) == [.paid])
        #expect(try input.sha256() == Digest.sha256Hex(original))
        for chunk in [1, 2, 3, 7, 16, 17, 4096] {
            var again: [StatusLine] = []
            let chunked = StatusFileInput(bytes: original, chunkSize: chunk)
            try Pain002Reader.read(chunked) { again.append($0) }
            #expect(again == lines, "chunks of \(chunk)")
            #expect(try chunked.sha256() == Digest.sha256Hex(original))
        }
        let csvBytes = Array((Self.header + "PK-1-T1-1,PAID,1000000,,,\r\n").utf8)
        for chunk in [1, 5, 64] {
            let input = StatusFileInput(bytes: csvBytes, chunkSize: chunk)
            var count = 0
            try CSVStatusReader.read(input) { _ in count += 1 }
            let sha256 = try input.sha256()
            #expect(count == 1 && sha256 == Digest.sha256Hex(csvBytes))
        }
    }

    @Test func amountsAreDecimalsWithZeroDecimalsOrAMismatch() throws {
        let lines = try csv(Self.header + """
            PK-1-T1-1,PAID,600000.00000,,,
            PK-2-T1-1,PAID,0000600000,,,
            PK-3-T1-1,PAID,600000.5,,,
            PK-4-T1-1,PAID,1000000000000,,,

            """)
        #expect(lines.map(\.amount) == [600_000, 600_000, nil, 1_000_000_000_000])
        #expect(lines.map(\.amountNote) == [nil, nil, "600000.5", nil])
    }

    /// What channels really send besides the plain form: a namespace prefix, CDATA, character
    /// references, blanks around values, and elements of other namespaces in between.
    @Test func readsPrefixesCDATAAndReferences() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10" xmlns:x="urn:example:extension">
            <p:CstmrPmtStsRpt><p:OrgnlPmtInfAndSts>
            <p:TxInfAndSts><x:Note>ignored</x:Note>
              <p:OrgnlEndToEndId>
                PK-&#52;2-I1-1 </p:OrgnlEndToEndId>
              <p:TxSts><![CDATA[RJCT]]></p:TxSts>
              <p:StsRsnInf><p:Rsn><p:Cd>AC04</p:Cd></p:Rsn><p:AddtlInf>Rekening &lt;ditutup&gt;</p:AddtlInf>
                <p:AddtlInf>\u{00A0}sejak 2020\u{3000}</p:AddtlInf></p:StsRsnInf>
              <p:AccptncDtTm>2020-06-02T10:00:00+07:00</p:AccptncDtTm>
              <p:OrgnlTxRef><p:Amt><p:InstdAmt Ccy="IDR">600000.00</p:InstdAmt></p:Amt></p:OrgnlTxRef>
            </p:TxInfAndSts>
            <p:TxInfAndSts><p:OrgnlEndToEndId>PK-43-T1-1</p:OrgnlEndToEndId><p:TxSts>ACSC</p:TxSts><p:Empty/></p:TxInfAndSts>
            </p:OrgnlPmtInfAndSts></p:CstmrPmtStsRpt></p:Document>
            """
        let lines = try xml(document)
        #expect(lines.map { $0.asWritten == nil } == [false, true])
        #expect(Self.read(lines) == [
            StatusLine(lineNumber: 1, endToEndId: "PK-42-I1-1", status: .failed, amount: 600_000, reasonCode: "AC04",
                       reasonText: "Rekening <ditutup> sejak 2020", settledAt: "2020-06-02T10:00:00+07:00"),
            StatusLine(lineNumber: 2, endToEndId: "PK-43-T1-1", status: .paid, amount: nil, reasonCode: nil, reasonText: nil,
                       settledAt: nil),
        ])
    }

    /// The bytes must be UTF-8 and are read as such, whatever the declaration says.
    @Test func aDeclaredEncodingDoesNotChangeHowTheBytesAreRead() throws {
        let transaction = "<TxInfAndSts><OrgnlEndToEndId>PK-1-I1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"
        for encoding in ["UTF-16", "ISO-8859-1", "EBCDIC-US"] {
            let document = Self.pain002(transaction).replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"\(encoding)\"")
            #expect(try xml(document).map(\.endToEndId) == ["PK-1-I1-1"], "\(encoding)")
        }
    }

    /// The end-to-end id is read exactly as the night writes it; lookalikes name no payout.
    @Test func payoutReferencesAreReadStrictly() {
        let reference = EndToEndID("PK-42-I3-2")
        #expect(reference?.registrantID == 42 && reference?.kind == .incentive && reference?.number == 3 && reference?.attempt == 2)
        #expect(EndToEndID("PK-999999999999999999-T1-1")?.registrantID == 999_999_999_999_999_999)
        #expect(EndToEndID("PK-7-S1-999999999")?.attempt == 999_999_999)
        for lookalike in [
            "PK-042-I3-2", "PK-42-I03-2", "PK-42-I3-02", "PK-0-I1-1", "PK-+42-I3-2", "PK--42-I3-2", "pk-42-I3-2",
            "PK-42-i3-2", "PK-42-X3-2", "PK-42-I3", "PK-42-I3-2-", "PK-42-I3-2 ", " PK-42-I3-2", "PK-42-I-2",
            "PK-1000000000000000000-T1-1", "PK-7-S1-1000000000", "PK-42-I3-2x", "PK-４2-I3-2", "",
        ] {
            #expect(EndToEndID(lookalike) == nil, "\(lookalike)")
        }
    }

    @Test func trimmingCoversUnicodeSpaceButNotInnerText() {
        #expect("\u{00A0} a b\t\u{3000}".trimmingSpaces == "a b")
        #expect("\r\n a\u{2028}".trimmingWhitespace == "a")
        #expect("\n a \n".trimmingSpaces == "\n a \n")
        #expect("plain".trimmingWhitespace == "plain")
        #expect(" \t ".trimmingSpaces.isEmpty)
    }

    @Test(arguments: badXML)
    func malformedXMLIsRefused(_ input: (String, String)) {
        #expect {
            _ = try xml(input.0)
        } throws: { error in
            guard let error = error as? StatusFileError else { return false }
            return error.description.contains(input.1) && !error.description.contains("root:x:0:0")
        }
    }

    @Test func formatIsDetectedFromTheFirstBytes() {
        #expect(StatusFileFormat.detect(firstBytes: Array("\u{FEFF}  <?xml".utf8)) == .pain002)
        #expect(StatusFileFormat.detect(firstBytes: Array("end_to_end_id,".utf8)) == .csv)
    }

    @Test func permanentReasonCodes() {
        #expect(ReasonCode.isPermanent("AC04"))
        #expect(ReasonCode.isPermanent("be01"))
        #expect(!ReasonCode.isPermanent("AM04"))
    }

    @Test func aMillionLinesStreamWithFlatMemory() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "status-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data(Self.header.utf8))
        var block = ""
        for index in 0..<1_000_000 {
            block += "PK-\(index)-I1-1,PAID,600000,,,2020-06-02\r\n"
            if index % 50_000 == 49_999 { try handle.write(contentsOf: Data(block.utf8)); block = "" }
        }
        try handle.close()
        let before = ResidentMemory.current
        var count = 0
        try CSVStatusReader.read(url) { _ in count += 1 }
        #expect(count == 1_000_000)
        #expect(ResidentMemory.current - before < 30_000_000)
    }
}

@Suite("fuzzing corpus")
struct FuzzCorpusTests {
    /// Every input fuzz/run kept, including the ones that once crashed a reader, is replayed
    /// through both readers by the plain build of the fuzz target.
    @Test func theCommittedCorpusReplaysWithoutACrash() throws {
        let replay = try CLI.executable.deletingLastPathComponent().appending(path: "disburse-fuzz")
        let corpus = Paths.repository.appending(path: "fuzz/corpus")
        let result = try Shell.run(replay.path, [corpus.path])
        #expect(result.status == 0 && !result.killedBySignal, "\(result.stderr)")
        let count = try FileManager.default.contentsOfDirectory(atPath: corpus.path).count
        #expect(result.stdout.contains("replayed \(count) inputs"))
    }

    @Test func invalidUTF8NeverReachesTheXMLParser() throws {
        let crash = try Data(contentsOf: Paths.repository.appending(path: "fuzz/corpus/crash-xmlparser-invalid-utf8-name"))
        #expect(throws: StatusFileError.self) { try Pain002Reader.read(data: crash) { _ in } }
        // A character cut by a chunk boundary is still valid.
        var check = UTF8Check()
        let bytes = Array("Rp 1.000 — ok".utf8)
        let cut = bytes.firstIndex(of: 0xE2).map { $0 + 1 } ?? 0
        #expect(check.feed(bytes[..<cut]) && check.feed(bytes[cut...]) && check.finish())
        var broken = UTF8Check()
        #expect(!(broken.feed([0x41, 0xFF, 0x42]) && broken.finish()))
    }
}
