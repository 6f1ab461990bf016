import Foundation
import Logging

/// Imports channel status files: each one validated whole (a malformed file imports nothing),
/// then applied in one transaction. A file already imported, known by its SHA-256, changes nothing.
public struct Reconciler {
    public struct FileResult: Codable, Equatable, Sendable {
        public var file: String
        public var sha256: String
        public var alreadyImported: Bool
        public var lines: Int
        public var applied: [String: Int]
        public var unchanged: Int
        public var exceptions: [String: Int]
        public var exceptionAmount: Int64
        public var matchedAmount: Int64

        public var exceptionCount: Int { exceptions.values.reduce(0, +) }
    }

    /// What one `reconcile` did: each file, then the payouts found unanswered after all of them.
    public struct Outcome: Codable, Equatable, Sendable {
        public var files: [FileResult]
        public var unanswered: Int
        public var unansweredAmount: Int64

        public var exceptionCount: Int { files.reduce(0) { $0 + $1.exceptionCount } + unanswered }
    }

    let settings: Settings
    let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Imports `files` in the order given. With `dryRun` every file is checked and applied
    /// inside a transaction that is rolled back.
    public func reconcile(
        _ connection: Connection, files: [String], format: StatusFileFormat?, dryRun: Bool, asOf: BusinessDate,
        arguments: [String]
    ) throws -> Outcome {
        try Migrator().verify(connection)
        let log = try RunLog.start(connection, command: "reconcile", arguments: arguments, businessDate: asOf, dryRun: dryRun)
        do {
            try RunLock.acquire(connection)
        } catch {
            try? log.finish(connection, outcome: "refused", exitCode: 75, message: "\(error)")
            throw error
        }
        defer { RunLock.release(connection) }
        do {
            var results: [FileResult] = []
            for file in files {
                results.append(try importFile(connection, path: file, format: format, dryRun: dryRun, runID: log.runID))
            }
            let (unanswered, amount) = try checkUnanswered(connection, asOf: asOf, dryRun: dryRun, runID: log.runID)
            let outcome = Outcome(files: results, unanswered: unanswered, unansweredAmount: amount)
            let exceptions = outcome.exceptionCount
            try log.finish(
                connection, outcome: "succeeded", exitCode: exceptions > 0 ? 3 : 0,
                message: exceptions > 0 ? "\(exceptions) exceptions" : nil, counts: try Self.json(outcome))
            return outcome
        } catch {
            try? log.finish(connection, outcome: "failed", exitCode: (error as? InputError) != nil ? 65 : 1, message: "\(error)")
            throw error
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Payouts with no final answer `unanswered_after_days` after their batch, once all files
    /// of this import are applied. Each is reported once, ever; each batch date is read once
    /// after it passed the limit (migration 0007), one date at a time through the BRIN index.
    private func checkUnanswered(_ connection: Connection, asOf: BusinessDate, dryRun: Bool, runID: Int64) throws -> (Int, Int64) {
        struct DryRunRollback: Error {}
        var result = (0, Int64(0))
        do {
            try connection.withTransaction {
                try connection.execute(
                    "SELECT set_config('disburse.as_of', $1, true), set_config('disburse.unanswered_days', $2, true)",
                    [asOf, settings.unansweredAfterDays])
                let dates = try connection.query(ReconciliationSQL.uncheckedDates).map { try $0.decode(0, as: String.self) }
                for date in dates {
                    let row = try connection.queryOne(
                        "WITH added AS (\(ReconciliationSQL.unanswered) RETURNING amount) SELECT count(*), coalesce(sum(amount), 0) FROM added",
                        [date])
                    result.0 += try row.decode(0, as: Int.self)
                    result.1 += try row.decode(1, as: Int64.self)
                    try connection.execute(
                        "INSERT INTO disbursement.unanswered_checked (business_date, run_id) VALUES ($1::date, $2)", [date, runID])
                }
                if dryRun { throw DryRunRollback() }
            }
        } catch is DryRunRollback {}
        return result
    }

    private func importFile(
        _ connection: Connection, path: String, format: StatusFileFormat?, dryRun: Bool, runID: Int64
    ) throws -> FileResult {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let sha256 = try Self.sha256(of: url)
        if try connection.query("SELECT 1 FROM disbursement.status_files WHERE sha256 = $1", [sha256]).first != nil {
            logger.info("\(name) was imported before (same SHA-256); nothing changes.")
            return FileResult(
                file: name, sha256: sha256, alreadyImported: true, lines: 0, applied: [:], unchanged: 0, exceptions: [:],
                exceptionAmount: 0, matchedAmount: 0)
        }
        let detected = try format ?? Self.detect(url)
        struct DryRunRollback: Error {}
        var result: FileResult?
        do {
            try connection.withTransaction {
                let fileID = try connection.queryOne(
                    """
                    INSERT INTO disbursement.status_files (sha256, file_name, format, run_id) VALUES ($1, $2, $3, $4)
                    RETURNING file_id
                    """, [sha256, name, detected.rawValue, runID]
                ).decode(0, as: Int64.self)
                try connection.execute("SELECT set_config('disburse.file_id', $1, true)", [fileID])
                // A status file touches up to a million payouts once each: compiling expressions
                // costs more than it saves, and matching them needs more than the default memory.
                try connection.execute("SET LOCAL jit = off")
                try connection.execute("SET LOCAL work_mem = '256MB'")
                try connection.execute(ReconciliationSQL.stage)
                try stage(connection, url: url, name: name, format: detected)
                try StatusRounds.apply(connection, file: name)
                let tally = try connection.query(ReconciliationSQL.tally)
                let fileResult = try summarize(tally, name: name, sha256: sha256)
                try connection.execute(
                    "UPDATE disbursement.status_files SET summary = $2::jsonb WHERE file_id = $1",
                    [fileID, try Self.json(fileResult)])
                result = fileResult
                if dryRun { throw DryRunRollback() }
            }
        } catch is DryRunRollback {}
        guard let result else { throw InputError("\(name) produced no result.") }
        return result
    }

    /// Streams the parsed lines into the staging table. A parse error aborts the COPY, and with
    /// it the transaction: nothing of the file is kept.
    private func stage(_ connection: Connection, url: URL, name: String, format: StatusFileFormat) throws {
        do {
            try connection.copyIn(
                """
                COPY recon_line (line_no, end_to_end_id, registrant_id, kind, number, attempt, status, amount, reason_code,
                                 reason_text, settled_at, settled_order, permanent) FROM STDIN
                """
            ) { writer in
                let append: (StatusLine) throws -> Void = { line in
                    if let amount = line.amount, amount > StatusLine.maximumAmount {
                        throw StatusFileError(
                            line: format == .csv ? line.lineNumber : nil,
                            problem: "the amount \(amount) for \(Masking.digitRuns(line.endToEndId)) is above 10^12 rupiah, more than any payout; ask the channel for a corrected file")
                    }
                    let settledOrder = SettlementTime.microseconds(line.settledAt)
                    if let settledAt = line.settledAt, !settledAt.isEmpty, settledOrder == nil {
                        throw StatusFileError(
                            line: format == .csv ? line.lineNumber : nil,
                            problem: "settled_at '\(Masking.printable(String(settledAt.prefix(40))))' for \(Masking.digitRuns(line.endToEndId)) is not a date or time this tool can read, so the line cannot be put in order; ask the channel for a corrected file")
                    }
                    let payout = PayoutReference(line.endToEndId)
                    try writer.append([
                        String(line.lineNumber), line.endToEndId, payout.map { String($0.registrantID) }, payout?.kind,
                        payout.map { String($0.number) }, payout.map { String($0.attempt) }, line.status.rawValue,
                        line.amount.map(String.init),
                        line.reasonCode, line.reasonText, line.settledAt,
                        settledOrder.map(String.init),
                        (line.status == .failed || line.status == .returned)
                            && (line.reasonCode.map(ReasonCode.isPermanent) ?? false) ? "t" : "f",
                    ])
                }
                switch format {
                case .csv: try CSVStatusReader.read(url, append)
                case .pain002: _ = try Pain002Reader.read(url, append)
                }
            }
        } catch let error as StatusFileError {
            throw InputError("\(name) is not a valid status file, nothing was imported: \(Masking.digitRuns(error.description))")
        }
    }

    private func summarize(_ tally: [Row], name: String, sha256: String) throws -> FileResult {
        var result = FileResult(
            file: name, sha256: sha256, alreadyImported: false, lines: 0, applied: [:], unchanged: 0, exceptions: [:],
            exceptionAmount: 0, matchedAmount: 0)
        for row in tally {
            let decision = try row.decode("decision", as: String.self)
            let count = try row.decode("n", as: Int.self)
            let amount = try row.decode("amount", as: Int64.self)
            result.lines += count
            switch decision {
            case "APPLY":
                result.applied[try row.decode("status", as: String.self), default: 0] += count
                result.matchedAmount = try Self.add(result.matchedAmount, amount, name: name)
            case "UNCHANGED":
                result.unchanged += count
                result.matchedAmount = try Self.add(result.matchedAmount, amount, name: name)
            default:
                result.exceptions[decision, default: 0] += count
                result.exceptionAmount = try Self.add(result.exceptionAmount, amount, name: name)
            }
        }
        return result
    }

    /// Rupiah sums of one file; a sum beyond Int64 (billions of lines at the 10^12 limit) is a
    /// file no channel sends, refused rather than trapping.
    static func add(_ total: Int64, _ amount: Int64, name: String) throws -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        if overflow { throw InputError("\(name) is not a valid status file, nothing was imported: its amounts add up to more than 9.2 × 10^18 rupiah.") }
        return sum
    }

    static func sha256(of url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw InputError("Cannot read the status file \(url.path): check the path and permissions.")
        }
        defer { try? handle.close() }
        var hasher = StreamingSHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finalize()
    }

    static func detect(_ url: URL) throws -> StatusFileFormat {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw InputError("Cannot read the status file \(url.path): check the path and permissions.")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        return StatusFileFormat.detect(firstBytes: head)
    }
}

extension Reconciler {
    static let unansweredNote = "after unanswered_after_days"

    /// The per-file outcome an operator reads after `reconcile`.
    public static func render(_ outcome: Outcome, format: ReportFormat, dryRun: Bool) -> String {
        let results = outcome.files
        var table = ReportTable(
            title: dryRun ? "DRY RUN: nothing was imported." : "Status files imported",
            columns: ["file", "lines", "paid", "failed", "returned", "pending", "unchanged", "exceptions", "note"])
        for result in results {
            let note: String
            if result.alreadyImported {
                note = "imported before; nothing changed"
            } else if result.exceptionCount > 0 {
                note = result.exceptions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            } else {
                note = ""
            }
            table.rows.append([
                .text(result.file), .number(Int64(result.lines)), .number(Int64(result.applied["PAID"] ?? 0)),
                .number(Int64(result.applied["FAILED"] ?? 0)), .number(Int64(result.applied["RETURNED"] ?? 0)),
                .number(Int64(result.applied["PENDING"] ?? 0)), .number(Int64(result.unchanged)),
                .number(Int64(result.exceptionCount)), .text(note),
            ])
        }
        if format == .json { return (try? json(outcome)).map { $0 + "\n" } ?? "{}\n" }
        table.notes = [outcome.unanswered == 0
            ? "No payout is past \(unansweredNote) without a final answer."
            : "UNANSWERED: \(outcome.unanswered.grouped) payouts (Rp\(outcome.unansweredAmount.grouped)) have no final answer \(unansweredNote); chase the channels (see report reconciliation)."]
        return table.render(format)
    }
}
