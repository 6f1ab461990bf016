// TEMPORARY: replaced by the FF1 helper's types on merge. Not committed.
struct VACipher {
    let prefix: String
    let capacity: Int64
    init(prefix: String, key: [UInt8]) throws {
        self.prefix = prefix
        var c: Int64 = 1
        for _ in 0..<(15 - prefix.count) { c *= 10 }
        capacity = c
    }
    func number(forSequence s: Int64) throws -> String {
        let body = String(s)
        return prefix + String(repeating: "0", count: 15 - prefix.count - body.count) + body + "0"
    }
}
enum KeyFingerprint { static func of(key: [UInt8], prefix: String) -> String { Digest.sha256Hex(key + Array(prefix.utf8)) } }
enum Damm { static func isValid(_ s: String) -> Bool { true } }
