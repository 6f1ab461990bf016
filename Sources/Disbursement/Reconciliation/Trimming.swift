/// Trimming in Swift's own Unicode tables. Foundation's `trimmingCharacters(in:)` goes through
/// NSString on Linux and took half the time of parsing a status file.
extension String {
    /// Without leading and trailing spaces and tabs (what `CharacterSet.whitespaces` trims).
    var trimmingSpaces: String { trimming { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator } }

    /// Without leading and trailing white space and line ends (`CharacterSet.whitespacesAndNewlines`).
    var trimmingWhitespace: String { trimming { $0.properties.isWhitespace } }

    private func trimming(_ isSpace: (Unicode.Scalar) -> Bool) -> String {
        // Most values are plain ASCII words: no scalar needs looking at.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return self
        }
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return String(scalars)
    }
}
