/// A settings file, key file or override that cannot be used. Maps to exit 78.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
