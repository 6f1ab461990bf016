import CLibPQ
import Foundation

/// One libpq connection. Not shared between threads: each task that talks to the database
/// opens its own.
public final class Connection {
    let handle: OpaquePointer

    /// Connects with libpq's own rules: a URL or `key=value` string, or, when `conninfo` is
    /// empty, the `PG*` environment variables.
    public init(conninfo: String = "") throws(PostgresError) {
        // PQconnectdb returns a handle even when it fails; it must be finished either way.
        guard let handle = PQconnectdb(conninfo) else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection.")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Connection.connectFailure(handle, conninfo: conninfo)
            PQfinish(handle)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        do {
            try Connection.pinSessionSettings(handle)
        } catch {
            PQfinish(handle)
            throw error
        }
        self.handle = handle
        PQsetNoticeProcessor(handle, { context, text in
            guard let context, let text else { return }
            let connection = Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue()
            connection.noticeHandler?(String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines))
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Where the server's notices and warnings go (a logger); without one they are dropped.
    /// libpq's default prints them raw to stderr, which under cron is the operator's mail.
    public var noticeHandler: ((String) -> Void)?

    /// One fixed sentence per kind of failure. libpq's own text is never used: it can quote the
    /// connection string, password included (a URL with a stray `%`).
    static func connectFailure(_ handle: OpaquePointer, conninfo: String) -> String {
        var parseError: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(conninfo, &parseError) {
            PQconninfoFree(options)
        } else {
            if let parseError { PQfreemem(parseError) }
            return "the connection string cannot be read (a % in a password must be written %25, and @ : / ? as %40 %3A %2F %3F)"
        }
        if PQconnectionNeedsPassword(handle) == 1 {
            return "the server asks for a password and none was given (use ~/.pgpass or PGPASSFILE, never the command line)"
        }
        if PQconnectionUsedPassword(handle) == 1 {
            return "PostgreSQL refused the login or the database (check the user, its password and the database name)"
        }
        return "PostgreSQL could not be reached or refused the connection (check the host, port, user and database name)"
    }

    deinit {
        PQfinish(handle)
    }

    /// The server's process id for this session: what `pg_stat_activity` shows.
    public var backendPID: Int32 { PQbackendPID(handle) }

    static func lastError(_ handle: OpaquePointer) -> String {
        let text = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: " ")
        return trimmed.isEmpty ? "The connection to PostgreSQL failed." : trimmed
    }

    /// Runs one statement with bound parameters and returns its rows (small results only:
    /// use `forEachRow` or `copyOut` for anything that grows with the number of participants).
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> [Row] {
        let result = try executeRaw(sql, parameters)
        defer { PQclear(result) }
        return Connection.rows(of: result)
    }

    /// Runs one statement and returns the number of rows it touched.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Int {
        let result = try executeRaw(sql, parameters)
        defer { PQclear(result) }
        return Connection.affectedRows(result)
    }

    /// Runs a script of several statements that takes no parameters (migrations, fixtures).
    /// Anything that comes from outside the process goes through `execute` with bound parameters.
    public func executeScript(_ sql: String) throws(PostgresError) {
        guard let result = PQexec(handle, sql) else { throw connectionError() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            throw Connection.error(from: result, handle: handle)
        }
    }

    /// Runs a statement that returns exactly one row.
    public func queryOne(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Row {
        let rows = try query(sql, parameters)
        guard rows.count == 1 else {
            throw PostgresError(kind: .decoding, message: "A query expected to return one row returned \(rows.count).")
        }
        return rows[0]
    }

    /// Streams the rows of a query one at a time (libpq single-row mode), so memory stays flat
    /// however many rows there are.
    public func forEachRow(
        _ sql: String, _ parameters: [(any PostgresEncodable)?] = [], _ body: (Row) throws -> Void
    ) throws {
        try withBoundParameters(parameters) { (values) throws(PostgresError) in
            guard PQsendQueryParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0) == 1 else {
                throw connectionError()
            }
        }
        PQsetSingleRowMode(handle)
        var failure: (any Error)?
        // Every result must be drained, also after the body throws, or the connection is unusable.
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if failure != nil { continue }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                do { try body(Connection.rows(of: result)[0]) } catch { failure = error }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                failure = Connection.error(from: result, handle: handle)
            }
        }
        if let failure { throw failure }
    }

    func executeRaw(_ sql: String, _ parameters: [(any PostgresEncodable)?]) throws(PostgresError) -> OpaquePointer {
        let result: OpaquePointer? = withBoundParametersNoThrow(parameters) { values in
            PQexecParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        guard let result else { throw connectionError() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            return result
        default:
            let error = Connection.error(from: result, handle: handle)
            PQclear(result)
            throw error
        }
    }

    func connectionError() -> PostgresError {
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(kind: lost ? .connectionLost : .server, message: Connection.lastError(handle))
    }

    static func error(from result: OpaquePointer, handle: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let text = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: text)
        }
        let sqlState = field("C")
        let message = field("M") ?? lastError(handle)
        var error = PostgresError(
            kind: .server, message: message, sqlState: sqlState, detail: field("D"), hint: field("H"))
        if PQstatus(handle) != CONNECTION_OK { error.kind = .connectionLost }
        return error
    }

    static func rows(of result: OpaquePointer) -> [Row] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { PQfname(result, $0).map { String(cString: $0) } ?? "" }
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }

    static func affectedRows(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? Int(PQntuples(result))
    }

    private func withBoundParametersNoThrow<T>(
        _ parameters: [(any PostgresEncodable)?], _ body: ([UnsafePointer<CChar>?]) -> T
    ) -> T {
        // strdup keeps each C string alive for the whole call; freed right after.
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0.postgresText) } ?? nil }
        defer { values.forEach { free($0) } }
        return body(values.map { $0.map { UnsafePointer($0) } })
    }

    private func withBoundParameters(
        _ parameters: [(any PostgresEncodable)?], _ body: ([UnsafePointer<CChar>?]) throws(PostgresError) -> Void
    ) throws(PostgresError) {
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0.postgresText) } ?? nil }
        defer { values.forEach { free($0) } }
        try body(values.map { $0.map { UnsafePointer($0) } })
    }
}
