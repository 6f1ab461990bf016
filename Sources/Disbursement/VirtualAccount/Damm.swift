/// The Damm check digit: a totally anti-symmetric quasigroup of order 10, which catches every
/// single-digit error and every transposition of adjacent digits.
public enum Damm {
    private static let table: [[UInt8]] = [
        [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
        [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
        [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
        [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
    ]

    /// The interim digit after `digits` (each 0…9); appended, it makes the whole valid.
    public static func checkDigit(_ digits: some Sequence<UInt8>) -> UInt8 {
        var interim: UInt8 = 0
        for digit in digits { interim = table[Int(interim)][Int(digit)] }
        return interim
    }

    /// nil when `text` holds anything but ASCII digits.
    public static func checkDigit(of text: String) -> UInt8? {
        guard let digits = digits(text) else { return nil }
        return checkDigit(digits)
    }

    /// A number whose last digit is its Damm check digit.
    public static func isValid(_ text: String) -> Bool {
        guard let digits = digits(text), !digits.isEmpty else { return false }
        return checkDigit(digits) == 0
    }

    static func digits(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard byte >= 48 && byte <= 57 else { return nil }
            result.append(byte - 48)
        }
        return result
    }
}
