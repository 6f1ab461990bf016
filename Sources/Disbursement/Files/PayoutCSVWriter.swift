/// `CHANNEL-NNN.csv`: UTF-8, a header row, RFC 4180 quoting and CRLF line ends. A name that
/// a spreadsheet would run as a formula (starting with = + - @) gets a leading apostrophe.
enum PayoutCSVWriter {
    static let header = "end_to_end_id,channel,account_no,account_name,amount,currency,kind,number,va\r\n"

    static func render(_ lines: [PayoutLine]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(header.utf8.count + lines.count * 120)
        out.append(contentsOf: header.utf8)
        for line in lines {
            CSVField.append(line.endToEndId, neutralize: false, to: &out)
            out.append(UInt8(ascii: ","))
            CSVField.append(line.channel, neutralize: false, to: &out)
            out.append(UInt8(ascii: ","))
            CSVField.append(line.accountNo, neutralize: false, to: &out)
            out.append(UInt8(ascii: ","))
            CSVField.append(line.accountName, neutralize: true, to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: String(line.amount).utf8)
            out.append(contentsOf: ",IDR,".utf8)
            CSVField.append(line.kind, neutralize: false, to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: String(line.number).utf8)
            out.append(UInt8(ascii: ","))
            CSVField.append(line.va, neutralize: false, to: &out)
            out.append(contentsOf: "\r\n".utf8)
        }
        return out
    }
}
