/// `CHANNEL-NNN.xml`: one ISO 20022 pain.001.001.09 message with exactly one PmtInf. Element
/// order follows the XSD; every text goes through `XMLText`.
struct Pain001Writer {
    let channel: ChannelSettings
    let initiatingParty: String
    let businessDate: BusinessDate
    /// The batch's recorded creation time, so a rewritten file is byte-identical.
    let createdAt: String

    func render(_ lines: [PayoutLine], fileNumber: Int) -> [UInt8] {
        let messageID = "DSB-\(businessDate.compact)-\(channel.code)-\(String(format: "%03d", fileNumber))"
        let count = lines.count
        let sum = lines.reduce(Int64(0)) { $0 + $1.amount }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
            <CstmrCdtTrfInitn>
            <GrpHdr><MsgId>\(XMLText.escape(messageID, maxLength: 35))</MsgId><CreDtTm>\(createdAt)</CreDtTm>\
            <NbOfTxs>\(count)</NbOfTxs><CtrlSum>\(sum)</CtrlSum>\
            <InitgPty><Nm>\(XMLText.escape(initiatingParty, maxLength: 140))</Nm></InitgPty></GrpHdr>
            <PmtInf><PmtInfId>\(XMLText.escape(messageID, maxLength: 35))</PmtInfId><PmtMtd>TRF</PmtMtd>\
            <BtchBookg>false</BtchBookg><NbOfTxs>\(count)</NbOfTxs><CtrlSum>\(sum)</CtrlSum>\
            <ReqdExctnDt><Dt>\(businessDate)</Dt></ReqdExctnDt>\
            <Dbtr><Nm>\(XMLText.escape(channel.debtorName, maxLength: 140))</Nm></Dbtr>\
            <DbtrAcct><Id><Othr><Id>\(XMLText.escape(channel.debtorAccount, maxLength: 34))</Id></Othr></Id></DbtrAcct>\
            <DbtrAgt><FinInstnId><BICFI>\(channel.debtorAgentBIC)</BICFI></FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>

            """
        xml.reserveCapacity(xml.utf8.count + lines.count * 520)
        let creditorAgent = channel.creditorAgentBIC.map { "<BICFI>\($0)</BICFI>" }
            ?? "<Othr><Id>\(XMLText.escape(channel.code, maxLength: 35))</Id></Othr>"
        for line in lines {
            xml += "<CdtTrfTxInf><PmtId><EndToEndId>\(XMLText.escape(line.endToEndId, maxLength: 35))</EndToEndId></PmtId>"
            xml += "<Amt><InstdAmt Ccy=\"IDR\">\(line.amount)</InstdAmt></Amt>"
            xml += "<CdtrAgt><FinInstnId>\(creditorAgent)</FinInstnId></CdtrAgt>"
            let name = XMLText.escape(line.accountName, maxLength: 140)
            xml += name.isEmpty ? "<Cdtr/>" : "<Cdtr><Nm>\(name)</Nm></Cdtr>"
            xml += "<CdtrAcct><Id><Othr><Id>\(XMLText.escape(line.accountNo, maxLength: 34))</Id></Othr></Id></CdtrAcct>"
            xml += "<RmtInf><Ustrd>\(XMLText.escape(line.remittance, maxLength: 140))</Ustrd></RmtInf></CdtTrfTxInf>\n"
        }
        xml += "</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n"
        return Array(xml.utf8)
    }
}
