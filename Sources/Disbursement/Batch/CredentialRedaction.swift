/// Arguments as the run log keeps them: a password in a libpq URL (`user:PASSWORD@`, or
/// `?password=`) or in a `key=value` conninfo string is replaced with `***`. It errs on the side
/// of hiding: anything that could be a password is masked, even if libpq would not read it as one
/// (a raw `/` or `@` in a password, a stray `%`).
public enum CredentialRedaction {
    static let mask = "***"
    /// libpq's keywords whose value is a secret.
    static let secretKeywords = ["password", "sslpassword"]

    public static func arguments(_ arguments: [String]) -> [String] { arguments.map(argument) }

    public static func argument(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return keywordValues(text, url: false) }
        let head = text[..<scheme.upperBound]
        var rest = String(text[scheme.upperBound...])
        // The credentials end at the last `@`: a password with a raw `@`, `/` or `?` is hidden
        // whole rather than cut where libpq would cut it.
        if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
            rest = String(rest[...colon]) + mask + String(rest[at...])
        }
        return String(head) + keywordValues(rest, url: true)
    }

    /// `password=VALUE` anywhere in the text: in a URL's query the value ends at `&` or `#`; in a
    /// conninfo string it is a single-quoted string (with backslash escapes) or ends at white space.
    static func keywordValues(_ text: String, url: Bool) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            guard let keywordEnd = secretKeyword(in: characters, at: index, url: url) else {
                output.append(characters[index])
                index += 1
                continue
            }
            var cursor = keywordEnd
            while cursor < characters.count, !url, characters[cursor] == " " || characters[cursor] == "\t" { cursor += 1 }
            guard cursor < characters.count, characters[cursor] == "=" else {
                output.append(characters[index])
                index += 1
                continue
            }
            output += String(characters[index...cursor]) + mask
            cursor += 1
            while cursor < characters.count, !url, characters[cursor] == " " || characters[cursor] == "\t" { cursor += 1 }
            if !url, cursor < characters.count, characters[cursor] == "'" {
                cursor += 1
                while cursor < characters.count, characters[cursor] != "'" {
                    cursor += characters[cursor] == "\\" ? 2 : 1
                }
                cursor += 1
            } else {
                let stops: Set<Character> = url ? ["&", "#"] : [" ", "\t", "\n"]
                while cursor < characters.count, !stops.contains(characters[cursor]) { cursor += 1 }
            }
            index = min(cursor, characters.count)
        }
        return output
    }

    /// The end of a secret keyword starting at `index`; in a URL the keyword may be
    /// percent-encoded (libpq decodes it).
    private static func secretKeyword(in characters: [Character], at index: Int, url: Bool) -> Int? {
        for keyword in secretKeywords {
            var cursor = index
            var matched = true
            for expected in keyword {
                guard cursor < characters.count else { matched = false; break }
                if url, characters[cursor] == "%", cursor + 2 < characters.count,
                    let byte = UInt8(String(characters[(cursor + 1)...(cursor + 2)]), radix: 16),
                    Character(Unicode.Scalar(byte)).lowercased() == String(expected)
                {
                    cursor += 3
                } else if characters[cursor].lowercased() == String(expected) {
                    cursor += 1
                } else {
                    matched = false
                    break
                }
            }
            if matched { return cursor }
        }
        return nil
    }
}
