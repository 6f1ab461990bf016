/// How a command ends, as the process's exit code (SPEC §5). Named after sysexits(3), as
/// swift-argument-parser names its own; this file and `JobFailure.swift` are the only
/// places that know the numbers, so the run log records exactly what the process returns.
public struct ExitStatus: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Done, nothing to report.
    public static let success = ExitStatus(rawValue: 0)
    /// The tool's own records disagree, or something unexpected failed: nothing half-written.
    public static let failure = ExitStatus(rawValue: 1)
    /// Reconciliation finished and left exceptions for finance.
    public static let exceptions = ExitStatus(rawValue: 3)
    /// The command line asked for something impossible.
    public static let usage = ExitStatus(rawValue: 64)
    /// An input file or registry data cannot be used.
    public static let dataError = ExitStatus(rawValue: 65)
    /// PostgreSQL or a channel cannot be reached.
    public static let unavailable = ExitStatus(rawValue: 69)
    /// Another job holds the lock: retry later.
    public static let temporaryFailure = ExitStatus(rawValue: 75)
    /// Settings, key, role or schema version are wrong.
    public static let configuration = ExitStatus(rawValue: 78)

    /// What the run log records as the job's outcome for this status.
    public var outcome: JobOutcome {
        switch self {
        case .success, .exceptions: .succeeded
        case .temporaryFailure: .refused
        default: .failed
        }
    }

    public var description: String { String(rawValue) }
}

extension FailureCategory {
    public var exitStatus: ExitStatus {
        switch self {
        case .usage: .usage
        case .inputInvalid: .dataError
        case .unavailable: .unavailable
        case .busy: .temporaryFailure
        case .configuration: .configuration
        case .inconsistent: .failure
        }
    }
}
