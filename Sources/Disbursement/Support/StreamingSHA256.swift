import Crypto
import Foundation

/// SHA-256 over data that arrives in pieces, so big files are hashed without loading them.
struct StreamingSHA256 {
    private var hasher = SHA256()

    mutating func update(_ data: some DataProtocol) { hasher.update(data: data) }

    func finalize() -> String { Digest.hex(hasher.finalize()) }
}
