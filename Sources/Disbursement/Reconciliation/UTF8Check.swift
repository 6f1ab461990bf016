/// Checks that a stream of chunks is valid UTF-8, carrying a sequence cut at a chunk's end over
/// to the next. pain.002 files must be UTF-8: the XML reader is told so whatever the declaration
/// says, and bytes that are not UTF-8 are refused here before it sees them.
struct UTF8Check {
    private var carry: [UInt8] = []

    /// False as soon as the bytes seen so far cannot be UTF-8.
    mutating func feed(_ chunk: some Collection<UInt8>) -> Bool {
        var bytes = carry
        bytes.append(contentsOf: chunk)
        let keep = Self.incompleteTail(bytes)
        carry = Array(bytes.suffix(keep))
        bytes.removeLast(keep)
        return String(validating: bytes, as: UTF8.self) != nil
    }

    /// False when the stream ended inside a character.
    func finish() -> Bool { carry.isEmpty }

    /// How many bytes at the end start a character that the chunk does not complete.
    static func incompleteTail(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        while index >= 0 && index >= bytes.count - 4 && bytes[index] & 0xC0 == 0x80 { index -= 1 }
        guard index >= 0 else { return 0 }
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        let present = bytes.count - index
        return present < length ? present : 0
    }
}
