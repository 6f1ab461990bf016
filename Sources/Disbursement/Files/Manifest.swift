import Foundation

/// `manifest.json`: what a batch folder holds, with each file's SHA-256, and the SHA-256 of
/// the previous batch's manifest, so the batches form a hash chain finance can verify.
public struct Manifest: Codable, Equatable, Sendable {
    public struct Total: Codable, Equatable, Sendable {
        public var name: String
        public var count: Int
        public var sum: Int64
    }

    public var businessDate: BusinessDate
    public var toolVersion: String
    public var settingsFingerprint: String
    public var createdAt: String
    public var previousManifestSHA256: String?
    public var files: [FileEntry]
    public var totalsByChannel: [Total]
    public var totalsByKind: [Total]

    enum CodingKeys: String, CodingKey {
        case businessDate = "business_date", toolVersion = "tool_version"
        case settingsFingerprint = "settings_fingerprint", createdAt = "created_at"
        case previousManifestSHA256 = "previous_manifest_sha256", files
        case totalsByChannel = "totals_by_channel", totalsByKind = "totals_by_kind"
    }

    /// Canonical bytes: sorted keys, fixed indentation, trailing newline, explicit null.
    public func encoded() throws -> [UInt8] {
        var data = try JSONText.bytes(self, pretty: true)
        data.append(0x0A)
        return Array(data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(businessDate, forKey: .businessDate)
        try container.encode(toolVersion, forKey: .toolVersion)
        try container.encode(settingsFingerprint, forKey: .settingsFingerprint)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(previousManifestSHA256, forKey: .previousManifestSHA256)
        try container.encode(files, forKey: .files)
        try container.encode(totalsByChannel, forKey: .totalsByChannel)
        try container.encode(totalsByKind, forKey: .totalsByKind)
    }

    public static func decode(_ data: Data) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: data)
    }
}
