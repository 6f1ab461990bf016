import Crypto
import Foundation

/// SHA-256 as lowercase hex, the form recorded in manifests, the database and status files.
enum Digest {
    static func sha256Hex(_ data: some DataProtocol) -> String { hex(SHA256.hash(data: data)) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
