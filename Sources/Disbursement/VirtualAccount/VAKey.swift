import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The programme's secret VA key, read from a hex file. It is never printed, logged or
/// put in an error; only its keyed fingerprint reaches the database.
public struct VAKey: Sendable {
    let bytes: [UInt8]

    /// Keys anyone can look up: the repository's demo key (FIPS-197's example key, whose longer
    /// forms are listed too), FIPS-197's (and SP 800-38A's) AES-128/192/256 example keys and the
    /// keys of NIST SP 800-38G's FF1 samples. With one of these anyone could compute every
    /// participant's number.
    static let published: Set<String> = [
        "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "000102030405060708090a0b0c0d0e0f",
        "000102030405060708090a0b0c0d0e0f1011121314151617",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "2b7e151628aed2a6abf7158809cf4f3c",
        "2b7e151628aed2a6abf7158809cf4f3cef4359d8d580aa4f",
        "2b7e151628aed2a6abf7158809cf4f3cef4359d8d580aa4f7f036d6f04fc6a94",
    ]

    /// Reads the key through one descriptor and checks that very file: private to the user that
    /// runs disburse (no group or other bit, same owner), and not a published key unless the
    /// settings say `demo = true`.
    public static func load(path: String, demo: Bool) throws(SettingsError) -> VAKey {
        // Non-blocking, so a FIFO planted as the key file is refused by fstat below instead of
        // hanging the night in open(2). A symlink is still followed (secrets are often mounted
        // that way): fstat checks the very file this descriptor reads.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw SettingsError("Cannot read the VA key file \(path): check va.key_file or DISBURSE_VA_KEY_FILE.")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw SettingsError("The VA key file \(path) is not a regular file: point va.key_file at the key itself.")
        }
        guard status.st_uid == geteuid() else {
            throw SettingsError("The VA key file \(path) belongs to another user (uid \(status.st_uid)): it must be owned by the user that runs disburse (chown it, then chmod 600).")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw SettingsError("The VA key file \(path) is open to group or others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it, and make a new key with a new prefix if others may have read it.")
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while data.count <= 4096 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SettingsError("Cannot read the VA key file \(path): check va.key_file or DISBURSE_VA_KEY_FILE.") }
            if count == 0 { break }
            data += buffer[0..<count]
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count % 2 == 0, text.allSatisfy(\.isHexDigit) else {
            throw SettingsError("The VA key file \(path) must hold only hexadecimal digits (32, 48 or 64 of them).")
        }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else {
                throw SettingsError("The VA key file \(path) must hold only hexadecimal digits.")
            }
            bytes.append(byte)
            index = next
        }
        guard [16, 24, 32].contains(bytes.count) else {
            throw SettingsError("The VA key in \(path) is \(bytes.count) bytes; it must be 16, 24 or 32 bytes (AES-128/192/256).")
        }
        if !demo && (published.contains(text.lowercased()) || Set(bytes).count == 1) {
            throw SettingsError("The VA key in \(path) is a published or trivial key (the demo key or a NIST sample): anyone could compute the VA numbers; make a real one with `openssl rand -hex 32` (only a demo sets demo = true in the settings).")
        }
        return VAKey(bytes: bytes)
    }
}
