import Foundation
import Logging

/// Imports channel status files: each one read once, validated whole and applied in one
/// transaction (a malformed file imports nothing, and the call goes on with the next). A file
/// already imported, known by its SHA-256, changes nothing.
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

        /// Stored in `status_files.summary` (read by `report reconciliation`) and the run log.
        enum CodingKeys: String, CodingKey {
            case file, sha256, alreadyImported = "already_imported", lines, applied, unchanged, exceptions
            case exceptionAmount = "exception_amount", matchedAmount = "matched_amount"
        }
    }

    /// A file that was not imported, and why (one sentence, nothing of it kept).
    public struct RefusedFile: Error, Codable, Equatable, Sendable {
        public var file: String
        public var reason: String
    }

    /// What one `reconcile` did: each file, then the payouts found unanswered after all of them.
    public struct Outcome: Codable, Equatable, Sendable {
        public var files: [FileResult]
        public var refused: [RefusedFile] = []
        public var unanswered: Int
        public var unansweredAmount: Int64

        public var exceptionCount: Int { files.reduce(0) { $0 + $1.exceptionCount } + unanswered }

        enum CodingKeys: String, CodingKey {
            case files, refused, unanswered, unansweredAmount = "unanswered_amount"
        }
    }


    let settings: Settings
    let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Imports `files` in the order given. With `dryRun` every file is checked and applied
    /// exactly as in the real call, inside one transaction that is rolled back (`wholeCall`).
    /// With `channel`, the files came from that channel: a line or block/group status about
    /// another channel's payouts is an UNKNOWN_REFERENCE exception, never applied.
    public func reconcile(
        _ connection: Connection, files: [String], format: StatusFileFormat?, dryRun: Bool, asOf: BusinessDate,
        channel: String? = nil, arguments: [String]
    ) throws -> Outcome {
        // A channel the settings do not know (or an empty one) would match no payout: every
        // line an exception and the file's hash spent, its real answers never applied.
        if let channel, settings.channel(channel) == nil {
            let known = settings.channels.map(\.code).joined(separator: ", ")
            throw UsageError(
                "--channel \"\(Masking.printable(channel))\" is not a channel of the settings (\(known)); name one exactly as configured, or leave it out.")
        }
        let job = Job(command: "reconcile", arguments: arguments, businessDate: asOf, dryRun: dryRun)
        return try job.run(connection) { log in
            try Self.wholeCall(connection, dryRun: dryRun) {
                for statement in ReconciliationSQL.createKeyCache { try connection.execute(statement) }
                var results: [FileResult] = []
                var refused: [RefusedFile] = []
                // Each file stands alone: a refused one is rolled back whole and the next is read.
                for file in files {
                    do {
                        results.append(try importFile(
                            connection, path: file, format: format, dryRun: dryRun, channel: channel, runID: log.runID))
                    } catch let error as RefusedFile {
                        refused.append(error)
                    } catch let error as InputError {
                        refused.append(RefusedFile(file: URL(fileURLWithPath: file).lastPathComponent, reason: error.description))
                    }
                }
                let (unanswered, amount) = try checkUnanswered(connection, asOf: asOf, dryRun: dryRun, runID: log.runID)
                return Outcome(files: results, refused: refused, unanswered: unanswered, unansweredAmount: amount)
            }
        }
    }

    /// The files and the unanswered check of one call. A real call commits each file (and the
    /// check) in its own transaction. A dry run must report what that call would: each file
    /// sees the ones before it. So it runs the same steps inside one transaction, each step in
    /// a savepoint (a refused file is still rolled back whole), and rolls all of it back.
    static func wholeCall<T>(_ connection: Connection, dryRun: Bool, _ body: () throws -> T) throws -> T {
        dryRun ? try connection.withTransaction(rollbackOnly: true, body) : try body()
    }

    /// One step of a call (a file, the unanswered check): its own transaction, or in a dry
    /// run a savepoint of the call's transaction (`wholeCall`).
    static func step<T>(_ connection: Connection, dryRun: Bool, _ body: () throws -> T) throws -> T {
        dryRun ? try connection.withSavepoint("reconcile_step", body) : try connection.withTransaction(body)
    }

    /// Payouts with no final answer `unanswered_after_days` after their batch, once all files
    /// of this import are applied. Each is reported once, ever; each batch date is read once
    /// after it passed the limit (migration 0007), one date at a time through the BRIN index.
    private func checkUnanswered(_ connection: Connection, asOf: BusinessDate, dryRun: Bool, runID: Int64) throws -> (Int, Int64) {
        var result = (0, Int64(0))
        try Self.step(connection, dryRun: dryRun) {
            try connection.execute(ReconciliationSQL.bindUnansweredCheck, [asOf, settings.unansweredAfterDays])
            let dates = try connection.query(ReconciliationSQL.uncheckedDates).map { try $0.decode(0, as: String.self) }
            for date in dates {
                let row = try connection.queryOne(ReconciliationSQL.countUnanswered, [date])
                result.0 += try row.decode(0, as: Int.self)
                result.1 += try row.decode(1, as: Int64.self)
                try connection.execute(ReconciliationSQL.recordChecked, [date, runID])
            }
        }
        return result
    }

    private func importFile(
        _ connection: Connection, path: String, format: StatusFileFormat?, dryRun: Bool, channel: String?, runID: Int64
    ) throws -> FileResult {
        let name = URL(fileURLWithPath: path).lastPathComponent
        func refusal(_ error: StatusFileError) -> RefusedFile {
            RefusedFile(file: name, reason: "\(name) is not a valid status file, nothing of it was imported: \(error.description)")
        }
        // One descriptor for everything: the format is seen in the first bytes, the hash is
        // taken of the bytes as they are parsed (StatusFileInput).
        let input: StatusFileInput
        let detected: StatusFileFormat
        do throws(StatusFileError) {
            input = try StatusFileInput(path: path)
            if let format { detected = format } else { detected = StatusFileFormat.detect(firstBytes: try input.peek()) }
        } catch {
            throw RefusedFile(file: name, reason: "The status file \(name) cannot be read (\(error.problem)); nothing of it was imported.")
        }
        struct AlreadyImported: Error { var sha256: String }
        do {
            return try Self.step(connection, dryRun: dryRun) {
                try connection.execute(ReconciliationSQL.noJIT)
                try connection.execute(ReconciliationSQL.workMemory)
                try connection.execute(ReconciliationSQL.stage)
                let read: StagedFile
                do {
                    read = try stage(connection, input: input, format: detected)
                } catch let error as StatusFileError {
                    throw refusal(error)
                }
                let sha256: String
                do throws(StatusFileError) { sha256 = try input.sha256() } catch { throw refusal(error) }
                if try connection.query(ReconciliationSQL.importedBefore, [sha256]).first != nil {
                    throw AlreadyImported(sha256: sha256)
                }
                let fileID = try connection.queryOne(
                    ReconciliationSQL.recordFile, [sha256, name, detected.rawValue, runID, read.declaredVersion, read.declaredNamespace]
                ).decode(0, as: Int64.self)
                try connection.execute(ReconciliationSQL.bindFile, [fileID, channel ?? ""])
                // Every temporary table is analysed before it is joined: without statistics the
                // planner can take a million lines for a handful and nest loops over the
                // payouts, which turned a 1-second update into a never-ending one in bench/night.
                if read.scopes > 0 {
                    for statement in [ReconciliationSQL.analyzeLines] + ReconciliationSQL.setScopesAside {
                        try connection.execute(statement)
                    }
                    try connection.execute(ReconciliationSQL.stateScopes)
                    if try connection.execute(ReconciliationSQL.fillKeyCache) > 0 {
                        try connection.execute(ReconciliationSQL.analyzeKeys)
                    }
                    try connection.execute(ReconciliationSQL.expandScopes, [read.lastLine])
                    try connection.execute(ReconciliationSQL.scopeExceptions)
                }
                try StatusRounds.apply(connection, file: name, channelBound: channel != nil)
                let tally = try connection.query(ReconciliationSQL.tally)
                let fileResult = try summarize(tally, name: name, sha256: sha256)
                try connection.execute(ReconciliationSQL.recordSummary, [fileID, try JSONText.encode(fileResult)])
                // A dry run goes on in the same transaction (the savepoint is released, not
                // committed), so ON COMMIT DROP would leave the staging tables to the next file.
                if dryRun { try connection.execute(ReconciliationSQL.dropStaging) }
                return fileResult
            }
        } catch let already as AlreadyImported {
            logger.info("\(name) was imported before (same SHA-256); nothing changes.")
            return FileResult(
                file: name, sha256: already.sha256, alreadyImported: true, lines: 0, applied: [:], unchanged: 0, exceptions: [:],
                exceptionAmount: 0, matchedAmount: 0)
        }
    }

    /// What staging a file found besides its lines.
    private struct StagedFile {
        var lastLine = 0
        var scopes = 0
        var declaredVersion: String?
        var declaredNamespace: String?
    }

    /// Streams the parsed lines into the staging table. A parse error aborts the COPY, and with
    /// it the transaction: nothing of the file is kept.
    private func stage(_ connection: Connection, input: StatusFileInput, format: StatusFileFormat) throws -> StagedFile {
        var staged = StagedFile()
        try connection.copyIn(ReconciliationSQL.copyLines) { writer in
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
                        problem: "settled_at '\(Masking.digitRuns(Masking.printable(String(settledAt.prefix(40)))))' for \(Masking.digitRuns(line.endToEndId)) is not a date or time this tool can read, so the line cannot be put in order; ask the channel for a corrected file")
                }
                let payout = line.scope == .transaction ? EndToEndID(line.endToEndId) : nil
                if line.scope != .transaction { staged.scopes += 1 }
                staged.lastLine = max(staged.lastLine, line.lineNumber)
                try writer.append([
                    String(line.lineNumber), line.endToEndId, payout.map { String($0.registrantID) }, payout?.kind.rawValue,
                    payout.map { String($0.number) }, payout.map { String($0.attempt) }, line.status?.rawValue,
                    line.amount.map(String.init),
                    line.reasonCode, line.reasonText, line.settledAt,
                    settledOrder.map(String.init),
                    (line.status == .failed || line.status == .returned) && line.scope == .transaction
                        && (line.reasonCode.map(ReasonCode.isPermanent) ?? false) ? "t" : "f",
                    line.scope.rawValue, line.statusCode, line.amountNote, line.asWritten,
                ])
            }
            switch format {
            case .csv: try CSVStatusReader.read(input, append)
            case .pain002:
                let report = try Pain002Reader.read(input, append)
                staged.declaredVersion = report.declaredVersion
                staged.declaredNamespace = report.declaredNamespace
            }
        }
        return staged
    }

    private func summarize(_ tally: [Row], name: String, sha256: String) throws -> FileResult {
        var result = FileResult(
            file: name, sha256: sha256, alreadyImported: false, lines: 0, applied: [:], unchanged: 0, exceptions: [:],
            exceptionAmount: 0, matchedAmount: 0)
        for row in tally {
            let decision = ReconciliationDecision(code: try row.decode("decision", as: String.self))
            let count = try row.decode("n", as: Int.self)
            let amount = try row.decode("amount", as: Int64.self)
            result.lines += count
            switch decision {
            case .apply:
                result.applied[try row.decode("status", as: String.self), default: 0] += count
                result.matchedAmount = try Self.add(result.matchedAmount, amount, name: name)
            case .unchanged:
                result.unchanged += count
                result.matchedAmount = try Self.add(result.matchedAmount, amount, name: name)
            case .exception(let kind):
                result.exceptions[kind, default: 0] += count
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
}

extension Reconciler {
    static let unansweredNote = "after unanswered_after_days"

    /// The per-file outcome an operator reads after `reconcile`.
    public static func render(_ outcome: Outcome, format: OutputFormat, dryRun: Bool) -> String {
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
        for refused in outcome.refused {
            table.rows.append([
                .text(refused.file), .number(0), .number(0), .number(0), .number(0), .number(0), .number(0), .number(0),
                .text("REFUSED, nothing imported"),
            ])
        }
        if format == .json { return (try? JSONText.encode(outcome)).map { $0 + "\n" } ?? "{}\n" }
        table.notes = [outcome.unanswered == 0
            ? "No payout is past \(unansweredNote) without a final answer."
            : "UNANSWERED: \(outcome.unanswered.grouped) payouts (Rp\(outcome.unansweredAmount.grouped)) have no final answer \(unansweredNote); chase the channels (see report reconciliation)."]
        return table.render(format)
    }
}
