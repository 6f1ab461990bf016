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
        let body = try schedule.encrypt(schedule.numerals(UInt64(sequence), count: bodyLength))
        let digits = prefixDigits + body
        let all = digits + [Damm.checkDigit(digits)]
        return String(decoding: all.map { $0 + 48 }, as: UTF8.self)
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
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}

import Crypto
import Foundation
