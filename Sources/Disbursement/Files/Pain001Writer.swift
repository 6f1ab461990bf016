/// `CHANNEL-NNN.xml`: one ISO 20022 pain.001.001.09 message with exactly one PmtInf. Element
/// order follows the XSD; every text goes through `XMLText`.
struct Pain001Writer {
    let channel: ChannelSettings
    let initiatingParty: String
    let businessDate: BusinessDate
    /// The batch's recorded creation time, so a rewritten file is byte-identical.
    let createdAt: String

    /// The longest channel code whose ids fit the 35 characters ISO 20022 allows with a
    /// three-digit file number: a longer one would be cut, and two files could share an id.
    static let maximumChannelCodeLength = 35 - "DSB-YYYYMMDD--NNN".count

    /// `MsgId` and `PmtInfId` of file `fileNumber` (one PmtInf per file, so they are the same):
    /// `DSB-<YYYYMMDD>-<CHANNEL>-<NNN>`, from the batch date, channel and file number only, so
    /// a re-rendered file carries the same ids byte for byte. As written in the file.
    func messageID(fileNumber: Int) -> String {
        XMLText.escape("DSB-\(businessDate.compact)-\(channel.code)-\(String(format: "%03d", fileNumber))", maxLength: 35)
    }

    func render(_ lines: [PayoutLine], fileNumber: Int) -> [UInt8] {
        let messageID = messageID(fileNumber: fileNumber)
        let count = lines.count
        let sum = lines.reduce(Int64(0)) { $0 + $1.amount }
        let head = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
            <CstmrCdtTrfInitn>
            <GrpHdr><MsgId>\(messageID)</MsgId><CreDtTm>\(createdAt)</CreDtTm>\
            <NbOfTxs>\(count)</NbOfTxs><CtrlSum>\(sum)</CtrlSum>\
            <InitgPty><Nm>\(XMLText.escape(initiatingParty, maxLength: 140))</Nm></InitgPty></GrpHdr>
            <PmtInf><PmtInfId>\(messageID)</PmtInfId><PmtMtd>TRF</PmtMtd>\
            <BtchBookg>false</BtchBookg><NbOfTxs>\(count)</NbOfTxs><CtrlSum>\(sum)</CtrlSum>\
            <ReqdExctnDt><Dt>\(businessDate)</Dt></ReqdExctnDt>\
            <Dbtr><Nm>\(XMLText.escape(channel.debtorName, maxLength: 140))</Nm></Dbtr>\
            <DbtrAcct><Id><Othr><Id>\(XMLText.escape(channel.debtorAccount, maxLength: 34))</Id></Othr></Id></DbtrAcct>\
            <DbtrAgt><FinInstnId><BICFI>\(channel.debtorAgentBIC)</BICFI></FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>

            """
        var out: [UInt8] = []
        out.reserveCapacity(head.utf8.count + lines.count * 520)
        out.append(contentsOf: head.utf8)
        let creditorAgent = Array(
            (channel.creditorAgentBIC.map { "<BICFI>\($0)</BICFI>" }
                ?? "<Othr><Id>\(XMLText.escape(channel.code, maxLength: 35))</Id></Othr>").utf8)
        for line in lines {
            out.append(contentsOf: "<CdtTrfTxInf><PmtId><EndToEndId>".utf8)
            XMLText.append(line.endToEndId, maxLength: 35, to: &out)
            out.append(contentsOf: "</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"IDR\">".utf8)
            out.append(contentsOf: String(line.amount).utf8)
            out.append(contentsOf: "</InstdAmt></Amt><CdtrAgt><FinInstnId>".utf8)
            out.append(contentsOf: creditorAgent)
            out.append(contentsOf: "</FinInstnId></CdtrAgt>".utf8)
            // A name of nothing but characters XML cannot carry becomes an empty Cdtr.
            let nameStart = out.count
            out.append(contentsOf: "<Cdtr><Nm>".utf8)
            XMLText.append(line.accountName, maxLength: 140, to: &out)
            if out.count == nameStart + 10 {
                out.removeLast(10)
                out.append(contentsOf: "<Cdtr/>".utf8)
            } else {
                out.append(contentsOf: "</Nm></Cdtr>".utf8)
            }
            out.append(contentsOf: "<CdtrAcct><Id><Othr><Id>".utf8)
            XMLText.append(line.accountNo, maxLength: 34, to: &out)
            out.append(contentsOf: "</Id></Othr></Id></CdtrAcct><RmtInf><Ustrd>".utf8)
            XMLText.append(line.remittance, maxLength: 140, to: &out)
            out.append(contentsOf: "</Ustrd></RmtInf></CdtTrfTxInf>\n".utf8)
        }
        out.append(contentsOf: "</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n".utf8)
        return out
    }
}
