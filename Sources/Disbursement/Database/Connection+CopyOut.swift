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
        var current: [UInt8] = []
        var index = 0
        var isNull = false
        func finish() {
            fields.append(isNull ? nil : String(decoding: current, as: UTF8.self))
            current.removeAll(keepingCapacity: true)
            isNull = false
        }
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\t") {
                finish()
            } else if byte == UInt8(ascii: "\\"), index + 1 < line.count {
                index += 1
                switch line[index] {
                case UInt8(ascii: "N"): isNull = true
                case UInt8(ascii: "t"): current.append(9)
                case UInt8(ascii: "n"): current.append(10)
                case UInt8(ascii: "r"): current.append(13)
                case UInt8(ascii: "b"): current.append(8)
                case UInt8(ascii: "f"): current.append(12)
                case UInt8(ascii: "v"): current.append(11)
                default: current.append(line[index])
                }
            } else {
                current.append(byte)
            }
            index += 1
        }
        finish()
        return fields
    }
}
