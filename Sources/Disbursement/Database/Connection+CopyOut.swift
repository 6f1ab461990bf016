import CLibPQ

extension Connection {
    /// Streams `COPY … TO STDOUT`: `body` sees one line at a time (text format, without its
    /// newline), while libpq holds no more than that line in memory.
    @discardableResult
    public func copyOut(_ sql: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int {
        let started = try executeRaw(sql, [])
        let status = PQresultStatus(started)
        PQclear(started)
        guard status == PGRES_COPY_OUT else {
            drainResults()
            throw PostgresError(kind: .copy, message: "The statement given to copyOut is not a COPY TO STDOUT.")
        }
        var lines = 0
        var failure: (any Error)?
        while true {
            var pointer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &pointer, 0)
            if length == -1 { break }  // done: the final result follows
            if length == -2 {
                failure = failure ?? connectionError()
                break
            }
            guard let pointer else { continue }
            defer { PQfreemem(pointer) }
            // After a failure the rest is read and dropped, so the connection stays usable.
            guard failure == nil else { continue }
            let count = Int(length) - (pointer[Int(length) - 1] == 10 ? 1 : 0)
            do {
                try pointer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    try body(UnsafeBufferPointer(start: $0, count: count))
                }
                lines += 1
            } catch {
                failure = error
            }
        }
        let serverError = drainResults()
        if let failure { throw failure }
        if let serverError { throw serverError }
        return lines
    }
}

/// Splits one line of COPY text format into its fields, undoing the escapes.
public enum CopyText {
    public static func fields(_ line: UnsafeBufferPointer<UInt8>) -> [String?] {
        var fields: [String?] = []
        var start = 0
        var index = 0
        var escaped = false
        func finish() {
            let field = UnsafeBufferPointer(rebasing: line[start..<index])
            if !escaped {
                // Most fields carry no escape at all: decoded straight from libpq's buffer.
                fields.append(String(decoding: field, as: UTF8.self))
            } else if field.count == 2, field[0] == UInt8(ascii: "\\"), field[1] == UInt8(ascii: "N") {
                fields.append(nil)
            } else {
                fields.append(unescape(field))
            }
        }
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\t") {
                finish()
                start = index + 1
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1  // the escaped byte is never a separator
            }
            index += 1
        }
        index = min(index, line.count)
        finish()
        return fields
    }

    private static func unescape(_ field: UnsafeBufferPointer<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var index = 0
        while index < field.count {
            let byte = field[index]
            if byte == UInt8(ascii: "\\"), index + 1 < field.count {
                index += 1
                switch field[index] {
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "v"): bytes.append(11)
                default: bytes.append(field[index])
                }
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
