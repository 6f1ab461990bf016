/// Arguments as the run log keeps them: a password in a libpq URL (`user:PASSWORD@`, or
/// `?password=`) or in a `key=value` conninfo string is replaced with `***`. It errs on the side
/// of hiding: anything that could be a password is masked, even if libpq would not read it as one
/// (a raw `/` or `@` in a password, a stray `%`).
public enum CredentialRedaction {
    static let mask = "***"
    /// libpq's keywords whose value is a secret.
    static let secretKeywords = ["password", "sslpassword"]

    public static func arguments(_ arguments: [String]) -> [String] { arguments.map(argument) }

    /// A message that may quote what the operator typed (ArgumentParser's usage errors): URL
    /// credentials, conninfo passwords and long digit runs are all masked.
    public static func message(_ text: String) -> String {
        Masking.digitRuns(keywordValues(argument(text), url: false))
    }

    public static func argument(_ original: String) -> String {
        // A conninfo password is masked wherever it stands first, also when its value or a
        // later value holds "://" (`password=abc://x`, `application_name=https://…`), which
        // would otherwise pass the text off as a URL and leave what comes before it alone.
        let text = keywordValues(original, url: false)
        guard let scheme = text.range(of: "://") else { return text }
        let head = text[..<scheme.upperBound]
        var rest = String(text[scheme.upperBound...])
        // The credentials end at the last `@`: a password with a raw `@`, `/` or `?` is hidden
        // whole rather than cut where libpq would cut it.
        if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
            rest = String(rest[...colon]) + mask + String(rest[at...])
        }
        return String(head) + keywordValues(rest, url: true)
    }

    /// What libpq's conninfo parser takes for white space (C's `isspace`): around `=` and at the
    /// end of an unquoted value. `\r\n` is one Swift character.
    static let conninfoSpace: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\r\n"]

    /// `password=VALUE` anywhere in the text: in a URL's query the value ends at `&` or `#`; in a
    /// conninfo string, by libpq's rules, any white space may surround `=`, and the value is a
    /// single-quoted string or runs to the first white space, a backslash escaping the next
    /// character in both.
    static func keywordValues(_ text: String, url: Bool) -> String {
        // Scalar by scalar: a combining mark after `=` would otherwise join it into one
        // Character and hide the keyword from the scan, while libpq reads bytes.
        let characters = text.unicodeScalars.map(Character.init)
        var output = ""
        var index = 0
        func skipSpace(_ cursor: inout Int) {
            while !url, cursor < characters.count, conninfoSpace.contains(characters[cursor]) { cursor += 1 }
        }
        while index < characters.count {
            guard let keywordEnd = secretKeyword(in: characters, at: index, url: url) else {
                output.append(characters[index])
                index += 1
                continue
            }
            var cursor = keywordEnd
            skipSpace(&cursor)
            guard cursor < characters.count, characters[cursor] == "=" else {
                output.append(characters[index])
                index += 1
                continue
            }
            output += String(characters[index...cursor]) + mask
            cursor += 1
            skipSpace(&cursor)
            if url {
                while cursor < characters.count, characters[cursor] != "&", characters[cursor] != "#" { cursor += 1 }
            } else if cursor < characters.count, characters[cursor] == "'" {
                cursor += 1
                while cursor < characters.count, characters[cursor] != "'" {
                    cursor += characters[cursor] == "\\" ? 2 : 1
                }
                cursor += 1
            } else {
                while cursor < characters.count, !conninfoSpace.contains(characters[cursor]) {
                    cursor += characters[cursor] == "\\" ? 2 : 1
                }
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
