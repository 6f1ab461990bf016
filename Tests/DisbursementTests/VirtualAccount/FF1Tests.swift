import Testing

@testable import Disbursement

@Suite("FF1 (NIST SP 800-38G)")
struct FF1Tests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let number: Int, key: String, radix: Int, tweak: String, plaintext: String, ciphertext: String
        var testDescription: String { "sample \(number)" }
    }

    static let aes128 = "2B7E151628AED2A6ABF7158809CF4F3C"
    static let aes192 = aes128 + "EF4359D8D580AA4F"
    static let aes256 = aes192 + "7F036D6F04FC6A94"

    /// NIST's published FF1 examples (FF1samples.pdf).
    static let samples: [Sample] = [
        Sample(number: 1, key: aes128, radix: 10, tweak: "", plaintext: "0123456789", ciphertext: "2433477484"),
        Sample(number: 2, key: aes128, radix: 10, tweak: "39383736353433323130", plaintext: "0123456789", ciphertext: "6124200773"),
        Sample(number: 3, key: aes128, radix: 36, tweak: "3737373770717273373737", plaintext: "0123456789abcdefghi", ciphertext: "a9tv40mll9kdu509eum"),
        Sample(number: 4, key: aes192, radix: 10, tweak: "", plaintext: "0123456789", ciphertext: "2830668132"),
        Sample(number: 5, key: aes192, radix: 10, tweak: "39383736353433323130", plaintext: "0123456789", ciphertext: "2496655549"),
        Sample(number: 6, key: aes192, radix: 36, tweak: "3737373770717273373737", plaintext: "0123456789abcdefghi", ciphertext: "xbj3kv35jrawxv32ysr"),
        Sample(number: 7, key: aes256, radix: 10, tweak: "", plaintext: "0123456789", ciphertext: "6657667009"),
        Sample(number: 8, key: aes256, radix: 10, tweak: "39383736353433323130", plaintext: "0123456789", ciphertext: "1001623463"),
        Sample(number: 9, key: aes256, radix: 36, tweak: "3737373770717273373737", plaintext: "0123456789abcdefghi", ciphertext: "xs8a0azh2avyalyzuwd"),
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
    static func numerals(_ text: String) -> [UInt8] { text.map { UInt8(alphabet.firstIndex(of: $0)!) } }
    static func text(_ numerals: [UInt8]) -> String { String(numerals.map { alphabet[Int($0)] }) }

    @Test(arguments: samples)
    func reproducesNISTSample(_ sample: Sample) throws {
        let cipher = try FF1(key: Self.bytes(sample.key), radix: sample.radix)
        let tweak = Self.bytes(sample.tweak)
        let encrypted = try cipher.encrypt(Self.numerals(sample.plaintext), tweak: tweak)
        #expect(Self.text(encrypted) == sample.ciphertext)
        #expect(Self.text(try cipher.decrypt(encrypted, tweak: tweak)) == sample.plaintext)
    }

    @Test func decryptUndoesEncryptOnRandomInputs() throws {
        var generator = SystemRandomNumberGenerator()
        let cipher = try FF1(key: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        for length in 6...11 {
            for _ in 0..<200 {
                let plain = (0..<length).map { _ in UInt8.random(in: 0...9, using: &generator) }
                let tweak = (0..<Int.random(in: 0...12)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                #expect(try cipher.decrypt(try cipher.encrypt(plain, tweak: tweak), tweak: tweak) == plain)
            }
        }
    }

    @Test func everySixDigitInputMapsToADistinctOutput() throws {
        let schedule = try FF1.Schedule(cipher: try FF1(key: Self.bytes(Self.aes128)), length: 6, tweak: [8, 8, 0, 8])
        var seen = [Bool](repeating: false, count: 1_000_000)
        var distinct = 0
        for value in 0..<UInt64(1_000_000) {
            let output = Int(try schedule.number(try schedule.encrypt(schedule.numerals(value, count: 6))[...]))
            if !seen[output] { distinct += 1 }
            seen[output] = true
        }
        #expect(distinct == 1_000_000)
    }

    @Test func badKeysAndLengthsAreTypedErrors() throws {
        #expect(throws: FF1.Failure.invalidKeyLength(15)) { try FF1(key: [UInt8](repeating: 0, count: 15)) }
        let cipher = try FF1(key: [UInt8](repeating: 0, count: 16))
        #expect(throws: FF1.Failure.self) { try cipher.encrypt([1], tweak: []) }
        #expect(throws: FF1.Failure.numeralOutOfRange) { try cipher.encrypt([1, 2, 3, 4, 5, 10], tweak: []) }
    }
}
