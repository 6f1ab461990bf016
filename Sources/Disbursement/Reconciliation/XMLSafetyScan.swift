/// The checks every byte of a pain.002 file passes before the XML parser sees it, chunk by
/// chunk as the file is read (a chunk is handed on only after it passed):
/// - UTF-8 only (the parser is told so whatever the declaration says);
/// - no C0 controls other than tab and line ends: XML 1.0 allows none (a NUL inside a name
///   crashed Foundation's XMLParser, the first fuzz finding);
/// - no processing instruction other than the XML declaration: no reader of ours needs one
///   (one such as `<?xm?>` crashed Foundation's XMLParser, the third fuzz finding);
/// - no DTD and no entity declaration (no XXE, no entity expansion), whatever the parser's options.
struct XMLSafetyScan {
    private var carry: [UInt8] = []
    private var utf8 = UTF8Check()

    /// Checks the next chunk. A marker cut by the chunk's end is checked whole with the next
    /// chunk; the parser cannot act on half a marker in the meantime.
    mutating func feed(_ chunk: [UInt8]) throws(StatusFileError) {
        try Self.scan(carry + chunk, atEnd: false)
        guard utf8.feed(chunk) else { throw Self.notUTF8 }
        carry = Array(chunk.suffix(16))
    }

    /// After the last chunk: a `<?` too close to the end to be the declaration is refused now.
    mutating func finish() throws(StatusFileError) {
        try Self.scan(carry, atEnd: true)
        guard utf8.finish() else { throw Self.notUTF8 }
    }

    static let notUTF8 = StatusFileError(
        line: nil, problem: "the file is not valid UTF-8 (pain.002 files must be UTF-8); ask the channel for a UTF-8 file")

    private static let declarationMarkers: [[UInt8]] = ["<!DOCTYPE", "<!ENTITY", "<!doctype"].map { Array($0.utf8) }

    /// `atEnd` says the bytes end the file: a `<?` too close to the end to be the declaration
    /// is then refused instead of being left for the next chunk.
    static func scan(_ bytes: [UInt8], atEnd: Bool) throws(StatusFileError) {
        let problem: String? = bytes.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            for index in 0..<count {
                let byte = bytes[index]
                if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                    return "the file holds the control character 0x\(String(byte, radix: 16)), which XML does not allow"
                }
                guard byte == 0x3C, index + 1 < count else { continue }
                // A `<?` too close to the chunk's end is checked again with the next chunk (the carry).
                if bytes[index + 1] == 0x3F, index + 5 < count || atEnd {
                    let isDeclaration = index + 5 < count
                        && bytes[index + 2] == 0x78 && bytes[index + 3] == 0x6D && bytes[index + 4] == 0x6C
                        && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 5])
                    if !isDeclaration {
                        return "the file holds a processing instruction (<?…?>) other than the XML declaration"
                    }
                } else if bytes[index + 1] == 0x21 {
                    for marker in declarationMarkers where index + marker.count <= count
                        && marker.indices.allSatisfy({ bytes[index + $0] == marker[$0] })
                    {
                        return "the document declares a DTD or entities (\(String(decoding: marker, as: UTF8.self))); refused for safety, ask the channel for a plain pain.002"
                    }
                }
            }
            return nil
        }
        if let problem { throw StatusFileError(line: nil, problem: problem) }
    }
}
