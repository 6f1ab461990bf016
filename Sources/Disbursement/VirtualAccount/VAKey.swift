import Foundation

/// The programme's secret VA key, read from a hex file. It is never printed, logged or
/// put in an error; only its keyed fingerprint reaches the database.
public struct VAKey: Sendable {
    let bytes: [UInt8]
    /// Said once by the caller through its logger: a key file others can read.
    public let warning: String?

    public static func load(path: String) throws(SettingsError) -> VAKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("Cannot read the VA key file \(path): check va.key_file or DISBURSE_VA_KEY_FILE.")
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
        var warning: String?
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
        {
            warning = "The VA key file \(path) can be read by other users (mode \(String(mode, radix: 8))): chmod 600 it."
        }
        return VAKey(bytes: bytes, warning: warning)
    }
}
