import CLibPQ

/// Buffers rows in COPY text format and hands them to libpq in large chunks.
public final class CopyInWriter {
    private let connection: Connection
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 16
    public private(set) var rowCount = 0

    init(connection: Connection) {
        self.connection = connection
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Appends one row; nil is SQL NULL.
    public func append(_ fields: [String?]) throws(PostgresError) {
        Self.encode(fields, into: &buffer)
        rowCount += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// One row in COPY's text format. Static and `inout`: appending byte by byte to the class's
    /// own property paid an exclusivity check per byte, a quarter of reading a status file.
    static func encode(_ fields: [String?], into buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard var field else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
                continue
            }
            field.withUTF8 { bytes in
                // Most fields hold nothing to escape: copied whole.
                guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
                    buffer.append(contentsOf: bytes)
                    return
                }
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                    case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                    case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                    case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                    default: buffer.append(byte)
                    }
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection.handle, $0.baseAddress, Int32($0.count)) }
        }
        guard status == 1 else { throw connection.connectionError() }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Connection {
    /// Streams rows into `COPY … FROM STDIN` (text format). Rows go to the server as they are
    /// produced; if `body` throws, the COPY is aborted and nothing of it is kept.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (CopyInWriter) throws -> Void) throws -> Int {
        let started = try executeRaw(sql, [])
        let status = PQresultStatus(started)
        PQclear(started)
        guard status == PGRES_COPY_IN else {
            drainResults()
            throw PostgresError(kind: .copy, message: "The statement given to copyIn is not a COPY FROM STDIN.")
        }
        let writer = CopyInWriter(connection: self)
        var failure: (any Error)?
        do {
            try body(writer)
            try writer.flush()
        } catch {
            failure = error
        }
        let end = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "aborted by disburse")
        if end != 1 && failure == nil { failure = connectionError() }
        let serverError = drainResults()
        if let failure { throw failure }
        if let serverError { throw serverError }
        return writer.rowCount
    }

    /// Reads every pending result; returns the first error among them.
    @discardableResult
    func drainResults() -> PostgresError? {
        var first: PostgresError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN
                && status != PGRES_COPY_OUT && first == nil
            {
                first = Connection.error(from: result, handle: handle)
            }
            PQclear(result)
            // A COPY left half open would loop forever: close it from our side.
            if status == PGRES_COPY_IN { PQputCopyEnd(handle, "aborted by disburse") }
            if status == PGRES_COPY_OUT { break }
        }
        return first
    }
}
