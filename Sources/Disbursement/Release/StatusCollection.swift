import Foundation
import Logging

/// `disburse collect`: new status files from each channel's SFTP outbox, each kept as fetched
/// and, once its signature is the channel's and it decrypts, as plaintext beside it, then
/// reconciled exactly as `disburse reconcile` does. A file that fails the check is kept,
/// recorded REFUSED and reported on every call until the channel replaces it; it is never imported.
public struct StatusCollection {
    public struct Report: Codable, Equatable, Sendable, JobResult {
        public var imported: [String] = []
        public var refused: [String] = []
        public var alreadyCollected = 0
        public var unreachable: [String: String] = [:]
        public var hostKeyChanged: [String: String] = [:]
        /// Channel → why its keys or settings could not be used; the others were collected.
        public var unusable: [String: String] = [:]
        public var notes: [String] = []
        public var reconciled: [Reconciler.FileResult] = []
        public var exceptionCount = 0

        /// The JSON `collect --format json` prints and the run log's counts keep.
        enum CodingKeys: String, CodingKey {
            case imported, refused, alreadyCollected = "already_collected", unreachable
            case hostKeyChanged = "host_key_changed", unusable, notes, reconciled, exceptionCount = "exception_count"
        }

        /// As `deliver` for the channels (78, 69), then as `reconcile` for the files (65, 3).
        public var exitStatus: ExitStatus {
            if !hostKeyChanged.isEmpty || !unusable.isEmpty { return .configuration }
            if !unreachable.isEmpty { return .unavailable }
            if !refused.isEmpty { return .dataError }
            return exceptionCount > 0 ? .exceptions : .success
        }

        public var runLogMessage: String? { nil }

        /// What went wrong, for stderr; nil when every channel was collected.
        public var problem: String? {
            if !hostKeyChanged.isEmpty {
                return "a channel presented another host key than the pinned one; nothing was fetched from it. Check the fingerprint with the channel."
            }
            if !unusable.isEmpty {
                return "the keys or settings of channels \(unusable.keys.sorted().joined(separator: ", ")) could not be used (see above); the others were collected."
            }
            if !unreachable.isEmpty {
                return "channels \(unreachable.keys.sorted().joined(separator: ", ")) could not be reached; the others were collected. Run disburse collect again later."
            }
            return refused.isEmpty ? nil : "some status files were refused and not imported (see above); ask the channel to send them again."
        }
    }

    let settings: Settings
    let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func collect(_ connection: Connection, asOf: BusinessDate, arguments: [String]) throws -> Report {
        try Job(command: "collect", arguments: arguments, businessDate: asOf).run(connection) { log in
            try collectLocked(connection, asOf: asOf, runID: log.runID)
        }
    }

    private func collectLocked(_ connection: Connection, asOf: BusinessDate, runID: Int64) throws -> Report {
        guard !settings.release.sftp.isEmpty else {
            throw SettingsError("No channel has delivery settings: add a [channels.X.sftp] section per channel (see docs/operations.md).")
        }
        guard let signingKeyFile = settings.release.signingKeyFile else {
            throw SettingsError("release.signing_key is missing: collect decrypts status files with the programme's OpenPGP key.")
        }
        var report = Report()
        let gpg = try GnuPG(settings.release, output: settings.outputDirectory)
        _ = try gpg.importKey(signingKeyFile, secret: true, what: "the programme's signing key")
        let root = settings.release.collected(output: settings.outputDirectory)
        _ = try OutputFolder.open(root)
        for (channel, sftp) in settings.release.sftp.sorted(by: { $0.key < $1.key }) {
            do {
                try collectChannel(channel, sftp, root: root, gpg: gpg, asOf: asOf, runID: runID, connection: connection, report: &report)
            } catch let error as OperatorError where error.category == .configuration {
                report.unusable[channel] = error.description
                logger.error("Channel \(channel): \(error.description) Nothing more was collected from it.")
            }
        }
        return report
    }

    /// One channel's new files. Each is fetched with `-get`, which does not end sftp's batch
    /// when it fails, so a name that cannot be fetched (a line break in it makes `ls` show a
    /// made-up entry, or the file went away) is reported and the others are still collected.
    private func collectChannel(
        _ channel: String, _ sftp: SFTPSettings, root: String, gpg: GnuPG, asOf: BusinessDate, runID: Int64,
        connection: Connection, report: inout Report
    ) throws {
        let signer = try gpg.importKey(sftp.publicKeyFile, secret: false, what: "the public key of channel \(channel)")
        let link: ChannelLink
        switch try ChannelLink.open(channel, sftp) {
        case .failure(let problem): return Self.record(problem, channel: channel, in: &report)
        case .success(let opened): link = opened
        }
        let entries: [ChannelLink.Entry]
        switch try link.list(sftp.outbox) {
        case .failure(let problem): return Self.record(problem, channel: channel, in: &report)
        case .success(let listed): entries = listed
        }
        var fresh: Set<String> = []
        let limit = settings.release.maxStatusFileBytes
        for entry in entries where !entry.name.hasPrefix(".") && !entry.name.hasSuffix(".part") {
            guard Self.isPlainName(entry.name) else {
                report.notes.append("\(channel) outbox: a file with an odd name was left alone (\(Self.masked(entry.name)))")
                continue
            }
            if entry.size > limit {
                report.refused.append("\(channel)/\(entry.name): it is \(entry.size) bytes, more than release.max_status_file_bytes (\(limit)); not fetched")
            } else {
                fresh.insert(entry.name)
            }
        }
        guard !fresh.isEmpty else { return }
        // Every listed file is fetched and known by its bytes (a channel may reuse a name for a
        // new answer); in name order, as channels number their answers.
        let names = fresh.sorted()
        let folder = root + "/" + channel
        _ = try OutputFolder.open(folder)
        for name in names { try? FileManager.default.removeItem(atPath: folder + "/.fetch-" + name) }
        let commands = try names.map { "-get \(sftp.outbox)/\($0) \(try Delivery.quoted(folder + "/.fetch-" + $0))" }
        if case .failure(let problem) = try link.run(commands) {
            return Self.record(problem, channel: channel, in: &report)
        }
        let missing = names.filter { !FileManager.default.fileExists(atPath: folder + "/.fetch-" + $0) }
        if !missing.isEmpty {
            report.notes.append("\(channel) outbox: \(missing.count) listed name(s) could not be fetched and were left alone (a name with a line break shows as made-up entries): \(missing.map(Self.masked).joined(separator: ", "))")
        }
        for name in names where !missing.contains(name) {
            try take(name, channel: channel, folder: folder, signer: signer, gpg: gpg, asOf: asOf, runID: runID,
                     connection: connection, report: &report)
        }
    }

    /// A channel that could not be reached, or showed another host key, is that channel's
    /// outcome of this call; the next `collect` tries it again.
    private static func record(_ problem: ChannelLink.Problem, channel: String, in report: inout Report) {
        switch problem {
        case .unreachable(let why): report.unreachable[channel] = why
        case .hostKeyChanged(let why): report.hostKeyChanged[channel] = why
        }
    }

    /// A name from outside as it may be shown: at most 60 characters, digit runs masked,
    /// anything but printable ASCII as `?`.
    static func masked(_ name: String) -> String {
        Masking.digitRuns(String(String(name.prefix(60)).map { ($0.asciiValue.map { (0x20..<0x7f).contains($0) } ?? false) ? $0 : "?" }))
    }

    /// One fetched file: known by its bytes (the same bytes imported before are skipped), kept
    /// as fetched under a folder named by its hash (so no later file overwrites it), checked,
    /// decrypted beside it, reconciled, recorded.
    private func take(
        _ name: String, channel: String, folder: String, signer: String, gpg: GnuPG, asOf: BusinessDate, runID: Int64,
        connection: Connection, report: inout Report
    ) throws {
        let fetched = folder + "/.fetch-" + name
        let size = (try? FileManager.default.attributesOfItem(atPath: fetched)[.size] as? Int) ?? 0
        guard size <= settings.release.maxStatusFileBytes else {
            try? FileManager.default.removeItem(atPath: fetched)
            report.refused.append("\(channel)/\(name): it is more than release.max_status_file_bytes (\(settings.release.maxStatusFileBytes)) bytes; not kept")
            return
        }
        guard let bytes = FileManager.default.contents(atPath: fetched) else { return }
        let sha = Digest.sha256Hex(bytes)
        if try connection.query(
            "SELECT 1 FROM disbursement.collected_files WHERE channel = $1 AND sha256 = $2 AND outcome = 'IMPORTED'", [channel, sha]
        ).first != nil {
            report.alreadyCollected += 1
            try? FileManager.default.removeItem(atPath: fetched)
            return
        }
        let kept = folder + "/" + String(sha.prefix(16))
        _ = try OutputFolder.open(kept)
        let original = kept + "/" + name
        // The same bytes give the same file: one kept earlier (a refused try) is the same.
        try? FileManager.default.removeItem(atPath: original)
        try FileManager.default.moveItem(atPath: fetched, toPath: original)
        let label = "\(channel)/\(name)"
        if let earlier = try connection.query(
            "SELECT channel || '/' || remote_name FROM disbursement.collected_files WHERE sha256 = $1 AND outcome = 'IMPORTED' LIMIT 1", [sha]
        ).first {
            report.notes.append("\(label) is the same file as \(try earlier.decode(0, as: String.self)), imported before.")
            try record(channel, name, sha, plain: nil, outcome: "IMPORTED", reason: "same as an earlier file", runID: runID, connection)
            return
        }
        _ = try OutputFolder.open(kept + "/plain")
        let plain = kept + "/plain/" + Self.plainName(name)
        if let refusal = try gpg.decryptAndVerify(original, to: plain, signer: signer) {
            report.refused.append("\(label): \(refusal)")
            logger.error("Status file \(label) refused: \(refusal). It was not imported; ask the channel to send it again.")
            try record(channel, name, sha, plain: nil, outcome: "REFUSED", reason: refusal, runID: runID, connection)
            return
        }
        chmod(plain, 0o600)
        let plainSHA = FileManager.default.contents(atPath: plain).map(Digest.sha256Hex)
        do {
            // Bound to its channel: a file signed by X's key moves only X's payouts.
            let outcome = try Reconciler(settings: settings, logger: logger).reconcile(
                connection, files: [plain], format: nil, dryRun: false, asOf: asOf, channel: channel, arguments: ["collect", label])
            report.exceptionCount += outcome.exceptionCount
            // The reconciler refuses a malformed file without throwing: it is REFUSED here too,
            // and fetched and tried again on the next call.
            if let refused = outcome.refused.first {
                report.refused.append("\(label): \(refused.reason)")
                logger.error("Status file \(label) refused: \(refused.reason)")
                try record(channel, name, sha, plain: plainSHA, outcome: "REFUSED", reason: refused.reason, runID: runID, connection)
                return
            }
            report.reconciled += outcome.files
            report.imported.append(label)
            try record(channel, name, sha, plain: plainSHA, outcome: "IMPORTED", reason: nil, runID: runID, connection)
        } catch let error as InputError {
            report.refused.append("\(label): \(error.description)")
            try record(channel, name, sha, plain: plainSHA, outcome: "REFUSED", reason: error.description, runID: runID, connection)
        }
    }

    private func record(
        _ channel: String, _ name: String, _ sha: String, plain: String?, outcome: String, reason: String?, runID: Int64,
        _ connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT INTO disbursement.collected_files (channel, remote_name, sha256, plaintext_sha256, outcome, reason, run_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (channel, remote_name, sha256) DO UPDATE
               SET sha256 = excluded.sha256, plaintext_sha256 = excluded.plaintext_sha256, outcome = excluded.outcome,
                   reason = excluded.reason, run_id = excluded.run_id, collected_at = clock_timestamp()
            """, [channel, name, sha, plain, outcome, reason.map { Masking.digitRuns($0) }, runID])
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    static func plainName(_ name: String) -> String {
        for suffix in [".pgp", ".gpg", ".asc"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return name + ".plain"
    }
}
