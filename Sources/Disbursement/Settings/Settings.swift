import Foundation

/// Everything a run needs besides the database, resolved from the TOML file, the environment
/// and the command line (flags over environment over file).
public struct Settings: Sendable, Equatable {
    public var outputDirectory: String
    public var maxItemsPerFile: Int
    /// How many attempts an entitlement gets before it is held `RETRY_LIMIT`.
    public var attemptLimit: Int
    /// Days after which a payout without any answer from its channel is a reconciliation exception.
    public var unansweredAfterDays: Int
    /// Issuer prefixes for new virtual accounts, filled in this order.
    public var vaPrefixes: [String]
    public var vaKeyFile: String
    public var initiatingPartyName: String
    public var channels: [ChannelSettings]
    /// A demonstration or test installation: a published VA key is accepted (SPEC §4). Never
    /// set where real money is paid.
    public var demo: Bool = false
    /// Approval and delivery (`[release]`, `[channels.X.sftp]`); not part of `fingerprint`:
    /// how files travel does not shape them.
    public var release = ReleaseSettings()

    public var enabledChannelCodes: [String] { channels.filter(\.enabled).map(\.code).sorted() }

    /// Configured channels of one kind, enabled or not: an account's payable kind is its
    /// provider's, whether or not the channel is enabled today.
    public func channelCodes(_ kind: ChannelKind) -> [String] {
        channels.filter { $0.kind == kind }.map(\.code).sorted()
    }

    public func channel(_ code: String) -> ChannelSettings? { channels.first { $0.code == code } }

    /// A stable digest of what shapes the files (not the key), recorded in each manifest so
    /// finance can tell two batches were made under the same settings.
    public var fingerprint: String {
        struct Shape: Encodable {
            let maxItemsPerFile: Int, attemptLimit: Int, vaPrefixes: [String], initiatingPartyName: String
            let channels: [ChannelSettings]
        }
        let shape = Shape(
            maxItemsPerFile: maxItemsPerFile, attemptLimit: attemptLimit, vaPrefixes: vaPrefixes,
            initiatingPartyName: initiatingPartyName, channels: channels.sorted { $0.code < $1.code })
        let data = (try? JSONText.bytes(shape)) ?? Data()
        return Digest.sha256Hex(data)
    }
}
