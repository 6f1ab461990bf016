import Testing

@testable import Disbursement

@Suite("Damm check digit")
struct DammTests {
    static let samples = ["572", "880800000000012", "123456789012345", "000000000000000", "9999999999"]

    @Test func knownCheckDigit() {
        #expect(Damm.checkDigit(of: "572") == 4)
        #expect(Damm.isValid("5724"))
        #expect(!Damm.isValid("5723"))
        #expect(!Damm.isValid("57a4"))
        #expect(!Damm.isValid(""))
    }

    @Test(arguments: samples)
    func catchesEverySingleDigitError(_ body: String) throws {
        let valid = body + String(try #require(Damm.checkDigit(of: body)))
        #expect(Damm.isValid(valid))
        var digits = Array(valid)
        for index in digits.indices {
            let original = digits[index]
            for replacement in "0123456789" where replacement != original {
                digits[index] = replacement
                #expect(!Damm.isValid(String(digits)), "\(String(digits)) passed")
            }
            digits[index] = original
        }
    }

    @Test(arguments: samples)
    func catchesEveryAdjacentTransposition(_ body: String) throws {
        let valid = Array(body + String(try #require(Damm.checkDigit(of: body))))
        for index in 0..<(valid.count - 1) where valid[index] != valid[index + 1] {
            var swapped = valid
            swapped.swapAt(index, index + 1)
            #expect(!Damm.isValid(String(swapped)), "\(String(swapped)) passed")
        }
    }
}
