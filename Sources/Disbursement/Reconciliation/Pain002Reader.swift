import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads ISO 20022 pain.002.001.10 (customer payment status report) as a SAX stream.
/// Documents with a DTD or entity declarations are refused outright: no XXE, no entity expansion.
public enum Pain002Reader {
    static let namespace = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"

    /// ACSC is settled; RJCT rejected; the acceptance stages are still on the way.
    static func status(_ code: String) -> PayoutStatus? {
        switch code {
        case "ACSC", "ACCC": return .paid
        case "RJCT": return .failed
        case "ACSP", "ACCP", "ACTC", "PDNG", "ACWC", "ACSC_PENDING": return .pending
        default: return nil
        }
    }

    @discardableResult
    public static func read(_ url: URL, _ body: (StatusLine) throws -> Void) throws -> Int {
        try refuseDeclarations(url)
        guard let stream = InputStream(url: url) else { throw StatusFileError(line: nil, problem: "cannot open \(url.path)") }
        return try parse(XMLParser(stream: stream), body)
    }

    @discardableResult
    public static func read(data: Data, _ body: (StatusLine) throws -> Void) throws -> Int {
        try refuseDeclarations(in: data)
        return try parse(XMLParser(data: data), body)
    }

    static func parse(_ parser: XMLParser, _ body: (StatusLine) throws -> Void) throws -> Int {
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.shouldReportNamespacePrefixes = false
        return try withoutActuallyEscaping(body) { body in try run(parser, body) }
    }

    private static func run(_ parser: XMLParser, _ body: @escaping (StatusLine) throws -> Void) throws -> Int {
        let handler = Handler(body: body)
        parser.delegate = handler
        let ok = parser.parse()
        if let failure = handler.failure { throw failure }
        guard ok else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "malformed XML"
            throw StatusFileError(line: parser.lineNumber, problem: "not well-formed XML (\(reason)); the file may be truncated")
        }
        guard handler.sawRoot else { throw StatusFileError(line: nil, problem: "no pain.002.001.10 Document in the file") }
        // Some parsers accept a document cut short; the root must have been closed.
        guard handler.closedRoot else {
            throw StatusFileError(line: parser.lineNumber, problem: "not well-formed XML: the Document is never closed (the file is truncated)")
        }
        if handler.transactions == 0 {
            let group = handler.groupStatus ?? "none"
            throw StatusFileError(line: nil, problem: "the report has no transaction-level statuses (group status \(group)); ask the channel for a TxInfAndSts per payment")
        }
        return handler.transactions
    }

    /// A DOCTYPE may only come before the root element, but anything resembling one anywhere
    /// is refused: the files come from outside. One pass over the bytes before the parser
    /// sees any of them.
    static func refuseDeclarations(_ url: URL) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw StatusFileError(line: nil, problem: "cannot open \(url.path)") }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        var utf8 = UTF8Check()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            let bytes = [UInt8](chunk)
            // A marker cut by the chunk's end is seen whole with the next chunk's start.
            try scan(carry + bytes, atEnd: false)
            guard utf8.feed(bytes) else { throw notUTF8(line: nil) }
            carry = Array(bytes.suffix(16))
        }
        try scan(carry, atEnd: true)
        guard utf8.finish() else { throw notUTF8(line: nil) }
    }

    static func refuseDeclarations(in data: Data) throws {
        let bytes = [UInt8](data)
        var utf8 = UTF8Check()
        guard utf8.feed(bytes), utf8.finish() else { throw notUTF8(line: nil) }
        try scan(bytes, atEnd: true)
    }

    static func notUTF8(line: Int?) -> StatusFileError {
        StatusFileError(line: line, problem: "the file is not valid UTF-8 (pain.002 files must be UTF-8); ask the channel for a UTF-8 file")
    }

    private static let declarationMarkers: [[UInt8]] = ["<!DOCTYPE", "<!ENTITY", "<!doctype"].map { Array($0.utf8) }

    /// Refuses what Foundation's XMLParser must never see:
    /// - C0 controls other than tab and line ends: XML 1.0 allows none, and the parser
    ///   dereferences a null pointer on a NUL inside a name (found by fuzz/run);
    /// - processing instructions other than the XML declaration: the parser calls strlen on
    ///   the null data of one such as `<?xm?>` (third fuzz finding);
    /// - DTDs and entity declarations (no XXE, no entity expansion).
    ///
    /// `atEnd` says the bytes end the file: a `<?` too close to the end to be the declaration
    /// is then refused instead of being left for the next chunk.
    static func scan(_ bytes: [UInt8], atEnd: Bool) throws {
        try bytes.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            for index in 0..<count {
                let byte = bytes[index]
                if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                    throw StatusFileError(line: nil, problem: "the file holds the control character 0x\(String(byte, radix: 16)), which XML does not allow")
                }
                guard byte == 0x3C, index + 1 < count else { continue }
                // A `<?` too close to the chunk's end is checked again with the next chunk (the carry).
                if bytes[index + 1] == 0x3F, index + 5 < count || atEnd {
                    let isDeclaration = index + 5 < count
                        && bytes[index + 2] == 0x78 && bytes[index + 3] == 0x6D && bytes[index + 4] == 0x6C
                        && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 5])
                    if !isDeclaration {
                        throw StatusFileError(line: nil, problem: "the file holds a processing instruction (<?…?>) other than the XML declaration")
                    }
                } else if bytes[index + 1] == 0x21 {
                    for marker in declarationMarkers where index + marker.count <= count
                        && marker.indices.allSatisfy({ bytes[index + $0] == marker[$0] })
                    {
                        throw StatusFileError(line: nil, problem: "the document declares a DTD or entities (\(String(decoding: marker, as: UTF8.self))); refused for safety, ask the channel for a plain pain.002")
                    }
                }
            }
        }
    }

    final class Handler: NSObject, XMLParserDelegate {
        let body: (StatusLine) throws -> Void
        var failure: (any Error)?
        var path: [String] = []
        var text = ""
        var transactions = 0
        /// TxInfAndSts elements open around the current one (path.contains, without the walk).
        var openTransactions = 0
        var sawRoot = false
        var closedRoot = false
        var groupStatus: String?
        var current: [String: String] = [:]

        init(body: @escaping (StatusLine) throws -> Void) { self.body = body }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if path.isEmpty {
                guard name == "Document", namespaceURI == Pain002Reader.namespace else {
                    fail(parser, StatusFileError(line: parser.lineNumber, problem: "the root is not a pain.002.001.10 Document (namespace \(namespaceURI ?? "none"))"))
                    return
                }
                sawRoot = true
            }
            path.append(name)
            text = ""
            if name == "TxInfAndSts" {
                current = [:]
                openTransactions += 1
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            // Only the few elements read below need their text trimmed; a status report has
            // a dozen elements per payment and a million payments.
            var value: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if openTransactions > 0 {
                switch name {
                case "OrgnlEndToEndId": current["ref"] = value
                case "TxSts": current["sts"] = value
                case "Cd" where path.suffix(3) == ["StsRsnInf", "Rsn", "Cd"]: current["code"] = current["code"] ?? value
                case "Prtry" where path.suffix(3) == ["StsRsnInf", "Rsn", "Prtry"]: current["code"] = current["code"] ?? value
                case "AddtlInf" where path.contains("StsRsnInf"): current["text"] = current["text"].map { $0 + " " + value } ?? value
                case "InstdAmt" where path.contains("OrgnlTxRef"): current["amt"] = value
                case "AccptncDtTm": current["at"] = value
                case "TxInfAndSts":
                    openTransactions -= 1
                    emit(parser)
                default: break
                }
            } else if name == "GrpSts" {
                groupStatus = value
            }
            path.removeLast()
            if path.isEmpty { closedRoot = true }
            text = ""
        }

        func emit(_ parser: XMLParser) {
            transactions += 1
            let where_ = "TxInfAndSts #\(transactions)"
            guard let reference = current["ref"], !reference.isEmpty else {
                return fail(parser, StatusFileError(line: parser.lineNumber, problem: "\(where_) has no OrgnlEndToEndId"))
            }
            guard let code = current["sts"], let status = Pain002Reader.status(code) else {
                return fail(parser, StatusFileError(line: parser.lineNumber, problem: "\(where_) has TxSts '\(current["sts"] ?? "")', not one of ACSC, RJCT, ACSP, ACCP, ACTC, PDNG"))
            }
            var amount: Int64?
            if let text = current["amt"] {
                do { amount = try CSVStatusReader.amount(text, line: parser.lineNumber) } catch { return fail(parser, error) }
            }
            do {
                try body(StatusLine(
                    lineNumber: transactions, endToEndId: reference, status: status, amount: amount,
                    reasonCode: current["code"], reasonText: current["text"], settledAt: current["at"],
                    rejectionMeansReturn: status == .failed))
            } catch {
                fail(parser, error)
            }
        }

        func fail(_ parser: XMLParser, _ error: any Error) {
            if failure == nil { failure = error }
            parser.abortParsing()
        }
    }
}
