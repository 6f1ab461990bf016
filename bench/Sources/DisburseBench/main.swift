import Disbursement
import Foundation

/// disburse-bench ff1 [COUNT]: VA numbers per second on one core (FF1 + Damm + formatting).
/// disburse-bench status FILE…: status-file parsing alone.
let arguments = CommandLine.arguments.dropFirst()
let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

switch arguments.first {
case "ff1":
    let key: [UInt8] = Array(0..<16)
    for prefix in ["8808", "988012345"] {
        let cipher = try VACipher(prefix: prefix, key: key)
        var checksum = 0
        let elapsed = try seconds {
            for sequence in 0..<Int64(min(count, Int(cipher.capacity))) {
                checksum &+= try cipher.number(forSequence: sequence).utf8.count
            }
        }
        let n = min(count, Int(cipher.capacity))
        print(String(format: "ff1 prefix %@ (body %d digits): %d numbers in %.2f s = %.0f numbers/s (checksum %d)",
                     prefix, 15 - prefix.count, n, elapsed, Double(n) / elapsed, checksum))
    }
case "status":
    // disburse-bench status FILE…: parsing alone (no database). One pass over the file: the
    // safety scan and the SHA-256 happen as the bytes are read, and are part of the time.
    for path in arguments.dropFirst() {
        let url = URL(fileURLWithPath: path)
        var lines = 0
        var sha256 = ""
        let total = try seconds {
            let input = try StatusFileInput(path: path)
            switch StatusFileFormat.detect(firstBytes: try input.peek()) {
            case .csv: try CSVStatusReader.read(input) { _ in lines += 1 }
            case .pain002: try Pain002Reader.read(input) { _ in lines += 1 }
            }
            sha256 = try input.sha256()
        }
        print(String(format: "%@: %d lines in %.2f s (%.2f µs a line, SHA-256 and safety scan included; %@…)",
                     url.lastPathComponent, lines, total, total * 1e6 / Double(max(lines, 1)), String(sha256.prefix(12))))
    }
default:
    print("usage: disburse-bench ff1 [COUNT] | status FILE…")
}
