/// What kind of failure an error is, so the executable can choose the exit code without the
/// library knowing about processes.
public enum FailureCategory: Sendable {
    /// The command line asked for something impossible (exit 64).
    case usage
    /// An input file or upstream registry data cannot be used (exit 65).
    case inputInvalid
    /// PostgreSQL cannot be reached (exit 69).
    case unavailable
    /// Another run holds the lock (exit 75).
    case busy
    /// Settings, key or schema version are wrong (exit 78).
    case configuration
    /// The tool's own records disagree (a proof or control total fails): nothing was
    /// committed (exit 1).
    case inconsistent
}

/// An error that knows its category and says, in one sentence, what is wrong and what to do.
public protocol OperatorError: Error, CustomStringConvertible {
    var category: FailureCategory { get }
}

extension SettingsError: OperatorError {
    public var category: FailureCategory { .configuration }
}

extension Migrator.Failure: OperatorError {
    public var category: FailureCategory { .configuration }
}

/// Upstream data or a file that the run refuses to use.
public struct InputError: OperatorError, Sendable {
    public let description: String
    public var category: FailureCategory { .inputInvalid }
    public init(_ description: String) { self.description = description }
}

/// A request that makes no sense, caught after parsing (e.g. a business date in the future).
public struct UsageError: OperatorError, Sendable {
    public let description: String
    public var category: FailureCategory { .usage }
    public init(_ description: String) { self.description = description }
}

/// The tool's own records disagree with each other or cannot be read back (a proof that does not
/// add up, a batch that cannot be rendered): exit 1, nothing more is done.
public struct InconsistencyError: OperatorError, Sendable {
    public let description: String
    public var category: FailureCategory { .inconsistent }
    public init(_ description: String) { self.description = description }
}
