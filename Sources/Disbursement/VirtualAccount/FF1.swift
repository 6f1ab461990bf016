import Crypto
import CryptoExtras

/// FF1 format-preserving encryption (NIST SP 800-38G) over AES, for numeral strings whose
/// halves fit in 64-bit arithmetic (radix^⌈n/2⌉ < 2^56): every VA body (6–11 decimal digits)
/// and NIST's radix-10 and radix-36 samples. The AES block function is swift-crypto's.
public struct FF1: Sendable {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidKeyLength(Int)
        case invalidRadix(Int)
        case invalidLength(Int)
        case numeralOutOfRange

        public var description: String {
            switch self {
            case .invalidKeyLength(let bytes): return "An FF1 key must be 16, 24 or 32 bytes, not \(bytes)."
            case .invalidRadix(let radix): return "FF1 radix \(radix) is not supported (2 to 256)."
            case .invalidLength(let length): return "FF1 cannot encipher \(length) numerals in this radix."
            case .numeralOutOfRange: return "A numeral is not below the radix."
            }
        }
    }

    let key: SymmetricKey
    let radix: UInt64

    public init(key: [UInt8], radix: Int = 10) throws(Failure) {
        guard [16, 24, 32].contains(key.count) else { throw .invalidKeyLength(key.count) }
        guard (2...256).contains(radix) else { throw .invalidRadix(radix) }
        self.key = SymmetricKey(data: key)
        self.radix = UInt64(radix)
    }

    public func encrypt(_ numerals: [UInt8], tweak: [UInt8]) throws -> [UInt8] {
        try Schedule(cipher: self, length: numerals.count, tweak: tweak).encrypt(numerals)
    }

    public func decrypt(_ numerals: [UInt8], tweak: [UInt8]) throws -> [UInt8] {
        try Schedule(cipher: self, length: numerals.count, tweak: tweak).decrypt(numerals)
    }

    func block(_ input: inout [UInt8]) throws {
        try AES.permute(&input, key: key)
    }

    /// Everything that depends only on the length and the tweak, computed once: the
    /// enciphered first block P of the PRF input (SP 800-38G step 5), the sizes b and d, and
    /// the moduli radix^u and radix^v. A VA range enciphers millions of bodies with one schedule.
    struct Schedule: Sendable {
        let cipher: FF1
        let n: Int, u: Int, v: Int, b: Int, d: Int
        let tweak: [UInt8]
        let encipheredP: [UInt8]
        /// Q with zeros where the round number and NUM(B) go.
        let qTemplate: [UInt8]
        let modulusU: UInt64, modulusV: UInt64

        init(cipher: FF1, length n: Int, tweak: [UInt8]) throws {
            let radix = cipher.radix
            u = n / 2
            v = n - u
            guard n >= 2, let modulusV = Self.power(radix, v), modulusV < (1 << 56),
                  let modulusU = Self.power(radix, u), modulusU >= 2
            else { throw Failure.invalidLength(n) }
            // radix^n ≥ 100 (SP 800-38G); VA bodies are held to ≥ 10^6 by their range.
            let (domain, overflow) = modulusU.multipliedReportingOverflow(by: modulusV)
            guard overflow || domain >= 100 else { throw Failure.invalidLength(n) }
            self.cipher = cipher
            self.n = n
            self.tweak = tweak
            self.modulusU = modulusU
            self.modulusV = modulusV
            // b = ⌈⌈v·log2(radix)⌉ / 8⌉, computed exactly: the bytes needed for radix^v − 1.
            var bytes = 0
            var rest = modulusV - 1
            while rest > 0 { bytes += 1; rest >>= 8 }
            b = max(bytes, 1)
            d = 4 * ((b + 3) / 4) + 4
            var p: [UInt8] = [1, 2, 1, UInt8((radix >> 16) & 0xFF), UInt8((radix >> 8) & 0xFF), UInt8(radix & 0xFF), 10, UInt8(u % 256)]
            p += Self.bigEndian(UInt64(n), bytes: 4) + Self.bigEndian(UInt64(tweak.count), bytes: 4)
            try cipher.block(&p)
            encipheredP = p
            qTemplate = tweak + [UInt8](repeating: 0, count: ((-tweak.count - b - 1) % 16 + 16) % 16 + 1 + b)
        }

        static func power(_ base: UInt64, _ exponent: Int) -> UInt64? {
            var result: UInt64 = 1
            for _ in 0..<exponent {
                let (next, overflow) = result.multipliedReportingOverflow(by: base)
                if overflow { return nil }
                result = next
            }
            return result
        }

        static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
            (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }

        func number(_ numerals: ArraySlice<UInt8>) throws -> UInt64 {
            var value: UInt64 = 0
            for numeral in numerals {
                guard UInt64(numeral) < cipher.radix else { throw Failure.numeralOutOfRange }
                value = value * cipher.radix + UInt64(numeral)
            }
            return value
        }

        func numerals(_ value: UInt64, count: Int) -> [UInt8] {
            var digits = [UInt8](repeating: 0, count: count)
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                digits[index] = UInt8(rest % cipher.radix)
                rest /= cipher.radix
            }
            return digits
        }

        /// Round i's y, reduced mod radix^m (steps 6.i–6.iv; only y mod radix^m is ever used).
        /// `block` is a 16-byte scratch buffer the caller reuses across rounds and numbers.
        func roundValue(_ round: Int, _ half: UInt64, modulus: UInt64, block: inout [UInt8]) throws -> UInt64 {
            // Q = T || 0^((−t−b−1) mod 16) || [i] || [NUM(half)]^b, fed block by block into the
            // CBC-MAC that started from the precomputed CIPH(P).
            for index in 0..<16 { block[index] = encipheredP[index] }
            let qLength = qTemplate.count
            var offset = 0
            while offset < qLength {
                for index in 0..<16 {
                    let position = offset + index
                    var byte = qTemplate[position]
                    if position == qLength - b - 1 {
                        byte = UInt8(round)
                    } else if position >= qLength - b {
                        byte = UInt8(truncatingIfNeeded: half >> (8 * (qLength - 1 - position)))
                    }
                    block[index] ^= byte
                }
                try cipher.block(&block)
                offset += 16
            }
            var y: UInt64 = 0
            if d <= 16 {
                for index in 0..<d { y = (y << 8 | UInt64(block[index])) % modulus }
                return y
            }
            // S = R || CIPH(R ⊕ [1]) || …: only when b > 12, never for VA bodies.
            var s = block
            var counter: UInt8 = 1
            while s.count < d {
                var extra = block
                extra[15] ^= counter
                try cipher.block(&extra)
                s += extra
                counter += 1
            }
            for byte in s.prefix(d) { y = (y << 8 | UInt64(byte)) % modulus }
            return y
        }

        /// Enciphers the numeral string whose halves have the values (a, b).
        func encrypt(_ a: UInt64, _ b: UInt64, block: inout [UInt8]) throws -> (UInt64, UInt64) {
            var a = a, bValue = b
            for round in 0..<10 {
                let modulus = round % 2 == 0 ? modulusU : modulusV
                let y = try roundValue(round, bValue, modulus: modulus, block: &block)
                let c = (a % modulus + y) % modulus
                a = bValue
                bValue = c
            }
            return (a, bValue)
        }

        func decrypt(_ a: UInt64, _ b: UInt64, block: inout [UInt8]) throws -> (UInt64, UInt64) {
            var a = a, bValue = b
            for round in stride(from: 9, through: 0, by: -1) {
                let modulus = round % 2 == 0 ? modulusU : modulusV
                let y = try roundValue(round, a, modulus: modulus, block: &block)
                let c = (bValue % modulus + modulus - y) % modulus
                bValue = a
                a = c
            }
            return (a, bValue)
        }

        func encrypt(_ x: [UInt8]) throws -> [UInt8] {
            guard x.count == n else { throw Failure.invalidLength(x.count) }
            var block = [UInt8](repeating: 0, count: 16)
            let (a, b) = try encrypt(try number(x[0..<u]), try number(x[u..<n]), block: &block)
            return numerals(a, count: u) + numerals(b, count: v)
        }

        func decrypt(_ x: [UInt8]) throws -> [UInt8] {
            guard x.count == n else { throw Failure.invalidLength(x.count) }
            var block = [UInt8](repeating: 0, count: 16)
            let (a, b) = try decrypt(try number(x[0..<u]), try number(x[u..<n]), block: &block)
            return numerals(a, count: u) + numerals(b, count: v)
        }
    }
}
