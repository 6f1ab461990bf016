import Testing

@testable import Disbursement

@Suite("VA numbers")
struct VACipherTests {
    static let key = FF1Tests.bytes(FF1Tests.aes128)

    @Test(arguments: ["8808", "988012", "123456789"])
    func numbersAreSixteenDigitsWithPrefixAndCheckDigitAndDecipherBack(_ prefix: String) throws {
        let cipher = try VACipher(prefix: prefix, key: Self.key)
        #expect(cipher.capacity == Int64(pow10(15 - prefix.count)))
        var seen = Set<String>()
        for sequence in Array(Int64(0)..<2_000) + [cipher.capacity - 1] {
            let number = try cipher.number(forSequence: sequence)
            #expect(number.count == 16)
            #expect(number.hasPrefix(prefix))
            #expect(Damm.isValid(number))
            #expect(try cipher.sequence(of: number) == sequence)
            seen.insert(number)
        }
        #expect(seen.count == 2_001)
    }

    @Test func neighbouringParticipantsGetUnrelatedNumbers() throws {
        let cipher = try VACipher(prefix: "8808", key: Self.key)
        var differing = 0
        for sequence in Int64(0)..<500 {
            let a = Array(try cipher.number(forSequence: sequence).dropFirst(4).dropLast())
            let b = Array(try cipher.number(forSequence: sequence + 1).dropFirst(4).dropLast())
            differing += zip(a, b).filter { $0 != $1 }.count
        }
        // Unrelated 11-digit bodies differ in ~9.9 places on average; a counter would differ in ~1.
        #expect(Double(differing) / 500 > 8)
    }

    @Test func theSameSequenceUnderAnotherPrefixOrKeyIsUnrelated() throws {
        let a = try VACipher(prefix: "8808", key: Self.key).number(forSequence: 42)
        let b = try VACipher(prefix: "8809", key: Self.key).number(forSequence: 42)
        let c = try VACipher(prefix: "8808", key: [UInt8](repeating: 7, count: 16)).number(forSequence: 42)
        #expect(a.dropFirst(4) != b.dropFirst(4))
        #expect(a != c)
    }

    @Test func badPrefixesAndSequencesAreTypedErrors() throws {
        #expect(throws: VirtualAccountError.invalidPrefix("880")) { try VACipher(prefix: "880", key: Self.key) }
        #expect(throws: VirtualAccountError.invalidPrefix("88A8")) { try VACipher(prefix: "88A8", key: Self.key) }
        let cipher = try VACipher(prefix: "123456789", key: Self.key)
        #expect(throws: VirtualAccountError.self) { try cipher.number(forSequence: 1_000_000) }
        #expect(throws: VirtualAccountError.self) { try cipher.number(forSequence: -1) }
    }

    @Test func theFingerprintDependsOnKeyAndPrefixAndHidesTheKey() {
        let fingerprint = KeyFingerprint.of(key: Self.key, prefix: "8808")
        #expect(fingerprint.count == 64)
        #expect(fingerprint != KeyFingerprint.of(key: Self.key, prefix: "8809"))
        #expect(fingerprint != KeyFingerprint.of(key: [UInt8](repeating: 1, count: 16), prefix: "8808"))
        #expect(!fingerprint.lowercased().contains(FF1Tests.aes128.lowercased()))
    }

    func pow10(_ exponent: Int) -> Int { (0..<exponent).reduce(1) { acc, _ in acc * 10 } }
}
