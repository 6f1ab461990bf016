import Crypto
import Foundation

/// The numbers of one issuer prefix: 16 digits = prefix (4–9) + body + Damm check digit,
/// where body = FF1(sequence number, zero-padded to 15 − prefix length digits).
/// The FF1 tweak is the prefix's digits as numeral bytes (e.g. "8808" → [8, 8, 0, 8]), so
/// the same sequence under another prefix gives an unrelated body.
public struct VACipher: Sendable {
    public let prefix: String
    public let bodyLength: Int
    /// How many numbers the prefix can ever issue: 10^bodyLength.
    public let capacity: Int64
    private let schedule: FF1.Schedule
    private let prefixDigits: [UInt8]

    public init(prefix: String, key: [UInt8]) throws {
        guard (4...9).contains(prefix.count), let digits = Damm.digits(prefix) else {
            throw VirtualAccountError.invalidPrefix(prefix)
        }
        self.prefix = prefix
        prefixDigits = digits
        bodyLength = 15 - prefix.count
        var capacity: Int64 = 1
        for _ in 0..<bodyLength { capacity *= 10 }
        self.capacity = capacity
        schedule = try FF1.Schedule(cipher: try FF1(key: key, radix: 10), length: bodyLength, tweak: digits)
    }

    public func number(forSequence sequence: Int64) throws -> String {
        guard sequence >= 0 && sequence < capacity else {
            throw VirtualAccountError.sequenceOutOfRange(prefix: prefix, sequence: sequence, capacity: capacity)
        }
        var block = [UInt8](repeating: 0, count: 16)
        let (a, b) = try schedule.encrypt(
            UInt64(sequence) / schedule.modulusV, UInt64(sequence) % schedule.modulusV, block: &block)
        // Prefix, body (u then v digits) and check digit, written straight as ASCII.
        var digits = [UInt8](repeating: 0, count: 16)
        for (index, digit) in prefixDigits.enumerated() { digits[index] = digit }
        var rest = b
        for index in stride(from: 14, through: prefixDigits.count + schedule.u, by: -1) {
            digits[index] = UInt8(rest % 10)
            rest /= 10
        }
        rest = a
        for index in stride(from: prefixDigits.count + schedule.u - 1, through: prefixDigits.count, by: -1) {
            digits[index] = UInt8(rest % 10)
            rest /= 10
        }
        digits[15] = Damm.checkDigit(digits[0..<15])
        for index in 0..<16 { digits[index] += 48 }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The sequence number a VA of this prefix was issued for (for audits and tests).
    public func sequence(of number: String) throws -> Int64 {
        guard number.count == 16, number.hasPrefix(prefix), Damm.isValid(number), let digits = Damm.digits(number) else {
            throw VirtualAccountError.notOfThisPrefix(prefix: prefix)
        }
        let body = Array(digits[prefix.count..<15])
        return Int64(try schedule.number(try schedule.decrypt(body)[...]))
    }
}

/// What can go wrong with VA numbers; never carries the key.
public enum VirtualAccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidPrefix(String)
    case sequenceOutOfRange(prefix: String, sequence: Int64, capacity: Int64)
    case notOfThisPrefix(prefix: String)

    public var description: String {
        switch self {
        case .invalidPrefix(let prefix): return "VA prefix \"\(prefix)\" must be 4 to 9 digits."
        case .sequenceOutOfRange(let prefix, let sequence, let capacity):
            return "Sequence \(sequence) is outside VA range \(prefix) (capacity \(capacity)): add a new prefix."
        case .notOfThisPrefix(let prefix): return "The number is not a well-formed VA of prefix \(prefix)."
        }
    }
}

/// A keyed fingerprint that binds a key to a prefix in the database without revealing it.
public enum KeyFingerprint {
    public static func of(key: [UInt8], prefix: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("disburse va key fingerprint:\(prefix)".utf8), using: SymmetricKey(data: key))
        return Digest.hex(mac)
    }
}
