import Foundation

/// JSON as the tool writes it everywhere (run log, manifests, `--format json`, the settings'
/// fingerprint): keys sorted, slashes as they are, so equal values give equal bytes.
public enum JSONText {
    public static func bytes(_ value: some Encodable, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return try encoder.encode(value)
    }

    public static func encode(_ value: some Encodable, pretty: Bool = false) throws -> String {
        String(decoding: try bytes(value, pretty: pretty), as: UTF8.self)
    }
}
