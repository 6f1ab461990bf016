/// `CHANNEL-NNN.csv`: UTF-8, a header row, RFC 4180 quoting and CRLF line ends. A name that
/// a spreadsheet would run as a formula (starting with = + - @) gets a leading apostrophe.
enum PayoutCSVWriter {
    static let header = "end_to_end_id,channel,account_no,account_name,amount,currency,kind,number,va\r\n"

    static func render(_ lines: [PayoutLine]) -> [UInt8] {
        var text = header
        text.reserveCapacity(lines.count * 120)
        for line in lines {
            let fields = [
                line.endToEndId, line.channel, line.accountNo, line.accountName, String(line.amount), "IDR", line.kind,
                String(line.number), line.va,
            ]
            text += fields.enumerated().map { CSVField.quote($1, neutralize: $0 == 3) }.joined(separator: ",")
            text += "\r\n"
        }
        return Array(text.utf8)
    }
}
