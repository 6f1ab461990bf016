import Foundation

/// Reads the CSV status file of SPEC §7 as a stream: records are parsed from 64 KiB chunks
/// (RFC 4180: quoted fields may hold commas, quotes and line breaks), so memory does not
/// depend on the file's size.
public enum CSVStatusReader {
    static let columns = ["end_to_end_id", "status", "amount", "reason_code", "reason_text", "settled_at"]

    public static func read(_ input: StatusFileInput, _ body: (StatusLine) throws -> Void) throws {
        var parser = RecordParser()
        var header = false
        let emit: (Int, [[UInt8]]) throws -> Void = { line, fields in
            if !header {
                try checkHeader(fields, line: line)
                header = true
            } else {
                try body(try statusLine(fields, line: line))
            }
        }
        while let chunk = try input.next() {
            try parser.feed(chunk, emit)
        }
        try parser.finish(emit)
        if !header { throw StatusFileError(line: 1, problem: "the file is empty; expected the header \(columns.joined(separator: ","))") }
    }

    public static func read(_ url: URL, _ body: (StatusLine) throws -> Void) throws {
        try read(try StatusFileInput(path: url.path), body)
    }

    public static func read(data: Data, _ body: (StatusLine) throws -> Void) throws {
        try read(StatusFileInput(bytes: [UInt8](data)), body)
    }

    static func text(_ bytes: [UInt8], line: Int) throws -> String {
        // PostgreSQL text cannot hold NUL, and no channel has a reason to send one.
        if bytes.contains(0) { throw StatusFileError(line: line, problem: "the line holds a NUL byte; ask the channel for a clean file") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw StatusFileError(line: line, problem: "the text is not valid UTF-8; ask the channel for a UTF-8 file")
        }
        return text
    }

    static func checkHeader(_ fields: [[UInt8]], line: Int) throws {
        var names = try fields.map { try text($0, line: line).trimmingSpaces.lowercased() }
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
        guard names == columns else {
            throw StatusFileError(
                line: line,
                problem: "the header must be \(columns.joined(separator: ",")), not \(Masking.digitRuns(String(names.joined(separator: ",").prefix(120))))")
        }
    }

    static func statusLine(_ fields: [[UInt8]], line: Int) throws -> StatusLine {
        guard fields.count == columns.count else {
            throw StatusFileError(line: line, problem: "\(fields.count) columns where \(columns.count) are expected")
        }
        let values = try fields.map { try text($0, line: line) }
        let reference = values[0].trimmingSpaces
        guard !reference.isEmpty else { throw StatusFileError(line: line, problem: "end_to_end_id is empty") }
        guard reference.utf8.count <= 35 else { throw StatusFileError(line: line, problem: "end_to_end_id is longer than 35 characters") }
        guard let status = PayoutStatus(rawValue: values[1].trimmingSpaces.uppercased()) else {
            throw StatusFileError(
                line: line, problem: "status '\(Masking.digitRuns(String(values[1].prefix(20))))' is not one of PAID, FAILED, RETURNED, PENDING")
        }
        var statusLine = StatusLine(
            lineNumber: line, endToEndId: reference, status: status, amount: nil,
            reasonCode: nonEmpty(values[3]), reasonText: nonEmpty(values[4]), settledAt: try timestamp(values[5], line: line))
        switch try StatusAmount.parse(values[2], line: line) {
        case .whole(let amount): statusLine.amount = amount
        case .fraction(let written): statusLine.amountNote = written
        case nil: break
        }
        // Fields written otherwise than the values say plainly make the line's form as written.
        if values[0] != reference { statusLine.noteWritten(0, values[0]) }
        if values[1] != status.rawValue { statusLine.noteWritten(1, values[1]) }
        if !(statusLine.amount.map { StatusAmount.isPlain(values[2], $0) } ?? values[2].isEmpty) { statusLine.noteWritten(2, values[2]) }
        if values[3] != (statusLine.reasonCode ?? "") { statusLine.noteWritten(3, values[3]) }
        if values[4] != (statusLine.reasonText ?? "") { statusLine.noteWritten(4, values[4]) }
        if values[5] != (statusLine.settledAt ?? "") { statusLine.noteWritten(5, values[5]) }
        return statusLine
    }

    static func timestamp(_ text: String, line: Int) throws -> String? {
        let value = text.trimmingSpaces
        if value.isEmpty { return nil }
        guard value.count >= 10, BusinessDate(String(value.prefix(10))) != nil,
              value.count == 10 || value.dropFirst(10).first == "T" || value.dropFirst(10).first == " "
        else {
            throw StatusFileError(
                line: line, problem: "settled_at '\(Masking.digitRuns(String(value.prefix(32))))' is not an ISO 8601 date or date-time")
        }
        return value
    }

    static func nonEmpty(_ text: String) -> String? {
        let value = text.trimmingSpaces
        return value.isEmpty ? nil : value
    }
}

/// RFC 4180 record splitting over bytes, carried across chunk boundaries. A field is at most
/// 4 KiB and a record at most 6 fields: memory stays bounded whatever the file holds.
struct RecordParser {
    static let maxField = 4096, maxFields = 6

    private var fields: [[UInt8]] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private var quoteSeen = false  // a quote inside a quoted field: either "" or the closing one
    private var line = 1
    private var recordLine = 1
    private var pendingCR = false
    private var started = false

    mutating func feed(_ data: some Collection<UInt8>, _ emit: (Int, [[UInt8]]) throws -> Void) throws {
        for byte in data {
            if pendingCR {
                pendingCR = false
                if byte == 10 { continue }
            }
            if inQuotes {
                if quoteSeen {
                    quoteSeen = false
                    if byte == 34 { field.append(34); continue }
                    inQuotes = false  // that was the closing quote; fall through
                } else if byte == 34 {
                    quoteSeen = true
                    continue
                } else {
                    if byte == 10 { line += 1 }
                    try append(byte)
                    continue
                }
            }
            switch byte {
            case 34:
                guard field.isEmpty else {
                    throw StatusFileError(line: line, problem: "a quote in the middle of an unquoted field")
                }
                inQuotes = true
                started = true
            case 44:
                guard fields.count + 1 < Self.maxFields else {
                    throw StatusFileError(line: recordLine, problem: "more than \(Self.maxFields) columns where \(Self.maxFields) are expected")
                }
                fields.append(field)
                field.removeAll(keepingCapacity: true)
                started = true
            case 13, 10:
                try endRecord(emit)
                line += 1
                recordLine = line
                if byte == 13 { pendingCR = true }
            default:
                try append(byte)
                started = true
            }
        }
    }

    private mutating func append(_ byte: UInt8) throws {
        guard field.count < Self.maxField else {
            throw StatusFileError(line: recordLine, problem: "a field is longer than 4 KiB; ask the channel for a clean file")
        }
        field.append(byte)
    }

    mutating func finish(_ emit: (Int, [[UInt8]]) throws -> Void) throws {
        if inQuotes && !quoteSeen {
            throw StatusFileError(line: recordLine, problem: "a quoted field is never closed (the file may be truncated)")
        }
        if quoteSeen { inQuotes = false; quoteSeen = false }
        try endRecord(emit)
    }

    private mutating func endRecord(_ emit: (Int, [[UInt8]]) throws -> Void) throws {
        defer {
            fields.removeAll(keepingCapacity: true)
            field.removeAll(keepingCapacity: true)
            started = false
        }
        // Blank lines (including the one after the last line break) carry no record.
        guard started || !fields.isEmpty || !field.isEmpty else { return }
        fields.append(field)
        try emit(recordLine, fields)
    }
}
