/// Everything that can go wrong between `disburse` and PostgreSQL.
///
/// Descriptions are written for an operator and never carry row data, parameters or the
/// connection string: libpq's own connection messages name the host and user, never the password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached or refused the login.
        case connectionFailed
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// The connection broke while a statement was under way.
        case connectionLost
        /// A value in a result did not have the type the code expected.
        case decoding
        /// libpq refused to send or receive COPY data.
        case copy
    }

    public var kind: Kind
    public var message: String
    /// The five-character SQLSTATE, e.g. `23505` for a unique violation.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?

    public init(kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    /// The server's message can quote a value of a row (`invalid input syntax … "3171…"`):
    /// digit runs of 8 or more keep only their last 4.
    public var description: String {
        var text = Masking.digitRuns(message)
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let hint { text += " Hint: \(Masking.digitRuns(hint))" }
        return text
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isLockNotAvailable: Bool { sqlState == "55P03" }
    /// Class 08 (connection exception) and 57P (operator intervention: the server is shutting down).
    public var isUnavailable: Bool {
        kind == .connectionFailed || kind == .connectionLost
            || (sqlState?.hasPrefix("08") ?? false) || (sqlState?.hasPrefix("57P") ?? false)
    }
}
