/// Text made safe for an XML 1.0 element or attribute: markup characters escaped, characters
/// XML forbids dropped, line breaks folded, and cut to the schema's maximum length on a
/// character boundary (the XSD counts Unicode scalars; a letter with its accents stays whole).
enum XMLText {
    /// Appends `text` escaped to a file being rendered, without building a String for the
    /// common case: payout files hold millions of these.
    static func append(_ text: String, maxLength: Int? = nil, to out: inout [UInt8]) {
        if isPlain(text, maxLength: maxLength) {
            out.append(contentsOf: text.utf8)
        } else {
            out.append(contentsOf: escape(text, maxLength: maxLength).utf8)
        }
    }

    static func escape(_ text: String, maxLength: Int? = nil) -> String {
        if isPlain(text, maxLength: maxLength) { return text }
        var cleaned = ""
        cleaned.reserveCapacity(text.utf8.count)
        var scalars = 0
        for character in text {
            var piece = ""
            for scalar in character.unicodeScalars where isAllowed(scalar) {
                piece.unicodeScalars.append(scalar.value == 0x9 || scalar.value == 0xA || scalar.value == 0xD ? " " : scalar)
            }
            let count = piece.unicodeScalars.count
            if let maxLength, scalars + count > maxLength { break }
            scalars += count
            cleaned += piece
        }
        var escaped = ""
        escaped.reserveCapacity(cleaned.utf8.count + 16)
        for scalar in cleaned.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Most names and every reference are short printable ASCII with nothing to escape.
    private static func isPlain(_ text: String, maxLength: Int?) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count <= (maxLength ?? Int.max)
                && bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x26 && $0 != 0x3C && $0 != 0x3E && $0 != 0x22 && $0 != 0x27 }
        }
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
