import Foundation

/// Reads ISO 20022 pain.002.001.10 (customer payment status report) as a stream (libxml2's reader).
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
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw StatusFileError(line: nil, problem: "cannot open \(url.path)") }
        defer { try? handle.close() }
        var scanner = Pain002Scanner(try XMLPullReader(descriptor: handle.fileDescriptor))
        return try scanner.run(body)
    }

    @discardableResult
    public static func read(data: Data, _ body: (StatusLine) throws -> Void) throws -> Int {
        try refuseDeclarations(in: data)
        return try data.withUnsafeBytes { bytes in
            var scanner = Pain002Scanner(try XMLPullReader(bytes: bytes))
            return try scanner.run(body)
        }
    }

    /// A DOCTYPE may only come before the root element, but anything resembling one anywhere
    /// is refused: the files come from outside. One pass over the bytes before the parser
    /// sees any of them.
    public static func refuseDeclarations(_ url: URL) throws {
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

    /// Refuses, before any parser sees the bytes:
    /// - C0 controls other than tab and line ends: XML 1.0 allows none (a NUL inside a name
    ///   crashed Foundation's XMLParser, the first fuzz finding);
    /// - processing instructions other than the XML declaration: no reader of ours needs one
    ///   (one such as `<?xm?>` crashed Foundation's XMLParser, the third fuzz finding);
    /// - DTDs and entity declarations (no XXE, no entity expansion), whatever the parser's options.
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
}
