import Logging

/// TEMPORARY placeholder until the file writers land.
public struct BatchFiles {
    let settings: Settings
    let logger: Logger
    let checkpoint: @Sendable (String) -> Void
    func ensureAll(_ connection: Connection, through date: BusinessDate) throws -> [String] { [] }
    public static func verify(directory: String) throws -> String { "" }
}
