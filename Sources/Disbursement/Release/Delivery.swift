import Foundation
import Logging

/// `disburse deliver`: every file of every released batch (approved, or any with
/// `release.approval = "none"`) to its channel's SFTP inbox, encrypted to the channel and
/// signed by the programme, exactly once. Each file moves PREPARED → RENAMING → DELIVERED in
/// `disbursement.deliveries` (migration 0017), and every step is safe to repeat after a crash:
/// the encrypted bytes wait in the spool so a repeat sends the same bytes, the upload goes to
/// a temporary name the channel ignores (`.part`), is read back and compared before the rename,
/// and a rename whose outcome is unknown is settled by looking at the inbox first.
public struct Delivery {
    public struct Report: Codable, Equatable, Sendable, JobResult {
        public var delivered: [String] = []
        public var alreadyDelivered = 0
        /// Batches not approved yet (approval required).
        public var waiting: [String] = []
        public var notes: [String] = []
        /// Channel → why it could not be reached; retried by the next call.
        public var unreachable: [String: String] = [:]
        /// Channel → the host key it presented instead of the pinned one.
        public var hostKeyChanged: [String: String] = [:]
        /// Files whose bytes are not what the manifest says, or that the channel holds with other bytes.
        public var refused: [String] = []
        /// Channels with delivery settings but no first date (`deliver --from DATE`): nothing is sent to them.
        public var unstarted: [String] = []
        /// Channel → why its keys or settings could not be used (an expired OpenPGP key, an
        /// unreadable key file): nothing was sent to it, the others went on.
        public var unusable: [String: String] = [:]

        /// The JSON `deliver --format json` prints and the run log's counts keep.
        enum CodingKeys: String, CodingKey {
            case delivered, alreadyDelivered = "already_delivered", waiting, notes, unreachable
            case hostKeyChanged = "host_key_changed", refused, unstarted, unusable
        }

        /// 78 when a channel's host key changed or its keys were unusable, 69 when one was down,
        /// 65 when a file was held back; the other channels were delivered either way.
        public var exitStatus: ExitStatus {
            if !hostKeyChanged.isEmpty || !unstarted.isEmpty || !unusable.isEmpty { return .configuration }
            if !unreachable.isEmpty { return .unavailable }
            return refused.isEmpty ? .success : .dataError
        }

        /// What went wrong, for stderr; nil when everything was delivered.
        public var problem: String? {
            if !hostKeyChanged.isEmpty {
                return "a channel presented another host key than the pinned one; nothing was sent to it. Check the fingerprint with the channel before changing host_key."
            }
            if !unstarted.isEmpty {
                return "channels \(unstarted.joined(separator: ", ")) have delivery settings but no first date: run `disburse deliver --from DATE` once, DATE the first business date whose batch was not carried to them by hand."
            }
            if !unusable.isEmpty {
                return "the keys or settings of channels \(unusable.keys.sorted().joined(separator: ", ")) could not be used (see above); nothing was sent to them, the others were delivered."
            }
            if !unreachable.isEmpty {
                return "channels \(unreachable.keys.sorted().joined(separator: ", ")) could not be reached; the others were delivered. Run disburse deliver again later."
            }
            return refused.isEmpty ? nil : "some files were not sent (see above); the others were delivered."
        }

        public var runLogMessage: String? {
            exitStatus == .success ? nil
                : "channels not delivered: \((Array(unreachable.keys) + Array(hostKeyChanged.keys) + unstarted + Array(unusable.keys)).sorted().joined(separator: ", "))"
        }
    }

    struct Item {
        let date: String
        let file: FileEntry
        let channel: String
        var remoteName: String { "\(date)-\(file.name).pgp" }
        var partName: String { remoteName + ".part" }
        var state: String?
        var sentSHA256: String?
        var sentSize: Int64?
        /// The recipient and signer fingerprints a PREPARED file was encrypted for.
        var preparedFor: String?
    }

    let settings: Settings
    let logger: Logger
    let checkpoint: @Sendable (String) -> Void

    public init(settings: Settings, logger: Logger, checkpoint: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.logger = logger
        self.checkpoint = checkpoint
    }

    /// `from`: the first business date to deliver to channels that have none recorded yet
    /// (migration 0030); their earlier batches were carried by hand and are never sent.
    public func deliver(_ connection: Connection, date: BusinessDate?, from: BusinessDate? = nil, arguments: [String]) throws -> Report {
        try Job(command: "deliver", arguments: arguments, businessDate: date).run(connection) { log in
            try deliverLocked(connection, date: date, from: from, runID: log.runID)
        }
    }

    private func deliverLocked(_ connection: Connection, date: BusinessDate?, from: BusinessDate?, runID: Int64) throws -> Report {
        let release = settings.release
        guard !release.sftp.isEmpty else {
            throw SettingsError("No channel has delivery settings: add a [channels.X.sftp] section per channel (see docs/operations.md).")
        }
        guard let signingKeyFile = release.signingKeyFile else {
            throw SettingsError("release.signing_key is missing: deliver signs every file with the programme's OpenPGP key (see docs/operations.md).")
        }
        var report = Report()
        let starts = try firstDates(connection, from: from, runID: runID)
        report.unstarted = release.sftp.keys.filter { starts[$0] == nil }.sorted()
        let items = try pendingItems(connection, date: date, starts: starts, report: &report)
        let byChannel = Dictionary(grouping: items, by: \.channel)
        guard !byChannel.isEmpty else { return report }

        let gpg = try GnuPG(release, output: settings.outputDirectory)
        let signer = try gpg.importKey(signingKeyFile, secret: true, what: "the programme's signing key")
        for channel in byChannel.keys.sorted() {
            guard let sftp = release.sftp[channel], var work = byChannel[channel] else { continue }
            // A channel's expired key or unreadable key file is that channel's problem only.
            do {
                let recipient = try gpg.importKey(sftp.publicKeyFile, secret: false, what: "the public key of channel \(channel)")
                let link: ChannelLink
                switch try ChannelLink.open(channel, sftp) {
                case .failure(let problem):
                    record(problem, channel: channel, in: &report)
                    continue
                case .success(let opened): link = opened
                }
                for index in work.indices where work[index].state == nil || work[index].state == "PREPARED" {
                    if let refusal = try prepare(&work[index], gpg: gpg, recipient: recipient, signer: signer, connection: connection, runID: runID) {
                        report.refused.append(refusal)
                    }
                }
                work.removeAll { $0.state == nil }
                if let problem = try send(work, link: link, connection: connection, report: &report) {
                    record(problem, channel: channel, in: &report)
                }
            } catch let error as OperatorError where error.category == .configuration {
                report.unusable[channel] = error.description
                logger.error("Channel \(channel): \(error.description) Nothing more was sent to it.")
            }
        }
        return report
    }

    private func record(_ problem: ChannelLink.Problem, channel: String, in report: inout Report) {
        switch problem {
        case .unreachable(let why):
            report.unreachable[channel] = why
            logger.warning("Channel \(channel) could not be reached (\(why)); its files wait for the next deliver.")
        case .hostKeyChanged(let why):
            report.hostKeyChanged[channel] = why
            logger.error("Channel \(channel): \(why). Nothing was sent to it.")
        }
    }

    /// Each channel's first business date delivered over SFTP, recording `from` for the
    /// configured channels that have none yet.
    private func firstDates(_ connection: Connection, from: BusinessDate?, runID: Int64) throws -> [String: String] {
        if let from {
            for channel in settings.release.sftp.keys.sorted() {
                try connection.execute(
                    """
                    INSERT INTO disbursement.delivery_starts (channel, first_date, run_id) VALUES ($1, $2::date, $3)
                    ON CONFLICT (channel) DO NOTHING
                    """, [channel, from, runID])
            }
        }
        var starts: [String: String] = [:]
        for row in try connection.query("SELECT channel, first_date::text FROM disbursement.delivery_starts") {
            starts[try row.decode(0, as: String.self)] = try row.decode(1, as: String.self)
        }
        return starts
    }

    /// The files of released batches not yet DELIVERED, with the step each one reached. A
    /// batch reaches a channel in one form only: the form of a file already started for it
    /// (whatever the format setting says now), else the channel's format.
    private func pendingItems(
        _ connection: Connection, date: BusinessDate?, starts: [String: String], report: inout Report
    ) throws -> [Item] {
        let batches = try connection.query(
            """
            SELECT b.business_date::text AS business_date, b.manifest_sha256, d.decision, d.manifest_sha256 AS decided_manifest
              FROM disbursement.batches b
              LEFT JOIN disbursement.batch_decisions d ON d.business_date = b.business_date
             WHERE $1::date IS NULL OR b.business_date = $1::date
             ORDER BY b.business_date
            """, [date])
        if let date, batches.isEmpty { throw ReleaseError.noBatch(date) }
        // The database's policy (migration 0031) wins over a setting that would send unapproved
        // batches: "none" here needs the DBA, not the operator.
        let databaseRequires = try connection.query("SELECT 1 FROM disbursement.release_policy WHERE approval = 'none'").isEmpty
        let required = settings.release.approval == .required || databaseRequires
        var items: [Item] = []
        for batch in batches {
            let day = try batch.decode("business_date", as: String.self)
            guard let manifestHash = try batch.decodeIfPresent("manifest_sha256", as: String.self) else {
                report.notes.append("The files of the batch for \(day) are not written yet: run the night for it again.")
                continue
            }
            let decision = try batch.decodeIfPresent("decision", as: String.self)
            if decision == "REJECTED" {
                if date != nil { report.notes.append("The batch for \(day) was rejected: it is never delivered.") }
                continue
            }
            if required {
                guard decision == "APPROVED" else {
                    if let date { throw DeliveryError.notApproved(date) }
                    report.waiting.append(day)
                    continue
                }
                guard try batch.decodeIfPresent("decided_manifest", as: String.self) == manifestHash else {
                    report.refused.append("\(day)/manifest.json (not the manifest that was approved)")
                    continue
                }
            }
            let folder = settings.outputDirectory + "/" + day
            guard let manifestData = FileManager.default.contents(atPath: folder + "/manifest.json"),
                Digest.sha256Hex(manifestData) == manifestHash, let manifest = try? Manifest.decode(manifestData)
            else {
                report.refused.append("\(day)/manifest.json (missing or not the one recorded: run disburse verify and disburse run --date \(day))")
                continue
            }
            let rows = try connection.query(
                "SELECT file_name, state, sent_sha256, sent_size, prepared_for FROM disbursement.deliveries WHERE business_date = $1::date", [day])
            var known: [String: (String, String, Int64, String?)] = [:]
            for row in rows {
                known[try row.decode("file_name", as: String.self)] = (
                    try row.decode("state", as: String.self), try row.decode("sent_sha256", as: String.self),
                    try row.decode("sent_size", as: Int64.self), try row.decodeIfPresent("prepared_for", as: String.self))
            }
            // A channel that has answered for a batch we have no delivery of got it another
            // way (by hand, before deliver existed): sending it again could pay twice.
            let answered = Set(try connection.query(
                """
                SELECT DISTINCT channel FROM disbursement.payout_totals
                 WHERE business_date = $1::date AND status <> 'ISSUED' AND payouts > 0
                """, [day]).map { try $0.decode(0, as: String.self) })
            let sentChannels = Set(known.keys.compactMap { Self.channel(of: $0) })
            var startedForm: [String: String] = [:]
            for name in known.keys.sorted() {
                if let channel = Self.channel(of: name), startedForm[channel] == nil { startedForm[channel] = Self.form(of: name) }
            }
            var unconfigured: Set<String> = []
            var otherForm: Set<String> = []
            for file in manifest.files {
                guard let channel = Self.channel(of: file.name) else { continue }
                guard let sftp = settings.release.sftp[channel] else {
                    unconfigured.insert(channel)
                    continue
                }
                guard let first = starts[channel], day >= first else { continue }
                if let form = startedForm[channel] {
                    guard Self.form(of: file.name) == form else {
                        if file.name.hasSuffix(sftp.format.fileExtension) { otherForm.insert(channel) }
                        continue
                    }
                } else {
                    guard file.name.hasSuffix(sftp.format.fileExtension) else { continue }
                }
                if answered.contains(channel), !sentChannels.contains(channel) { continue }
                var item = Item(date: day, file: file, channel: channel)
                if let (state, sha, size, preparedFor) = known[file.name] {
                    if state == "DELIVERED" {
                        report.alreadyDelivered += 1
                        continue
                    }
                    item.state = state
                    item.sentSHA256 = sha
                    item.sentSize = size
                    item.preparedFor = preparedFor
                }
                items.append(item)
            }
            for channel in otherForm.sorted() where date != nil {
                report.notes.append("Channel \(channel) got the batch of \(day) in its earlier form: it is never sent again in the form its settings name now.")
            }
            for channel in unconfigured.sorted() {
                report.notes.append("Channel \(channel) has no delivery settings ([channels.\(channel).sftp]): its files of \(day) stay in \(folder).")
            }
            if answered.subtracting(sentChannels).contains(where: { settings.release.sftp[$0] != nil }) {
                report.notes.append("Channels that have already answered for \(day) without a recorded delivery are not sent it again.")
            }
        }
        return items
    }

    /// A batch file's form, its extension: `.csv` or `.xml`.
    static func form(of fileName: String) -> String {
        fileName.lastIndex(of: ".").map { String(fileName[$0...]) } ?? ""
    }

    static func channel(of fileName: String) -> String? {
        guard let dash = fileName.lastIndex(of: "-") else { return nil }
        return String(fileName[..<dash])
    }

    /// Encrypts and signs a file into the spool and records it PREPARED; a PREPARED file whose
    /// spool copy is gone is encrypted again (nothing of it can be at the channel under its
    /// final name yet), and so is one encrypted for another channel key or signing key than the
    /// settings name now (a key rotated while the channel was down). Returns a refusal when the
    /// file is not what the manifest says.
    private func prepare(
        _ item: inout Item, gpg: GnuPG, recipient: String, signer: String, connection: Connection, runID: Int64
    ) throws -> String? {
        let source = settings.outputDirectory + "/" + item.date + "/" + item.file.name
        let spoolFolder = settings.release.spool(output: settings.outputDirectory) + "/" + item.date
        let spooled = spoolFolder + "/" + item.remoteName
        let keys = recipient + " " + signer
        if item.state == "PREPARED", item.preparedFor == keys, let expected = item.sentSHA256, let bytes = FileManager.default.contents(atPath: spooled),
            Digest.sha256Hex(bytes) == expected
        {
            return nil
        }
        guard let plain = FileManager.default.contents(atPath: source), Digest.sha256Hex(plain) == item.file.sha256 else {
            item.state = nil
            return "\(item.date)/\(item.file.name) (missing or changed since its manifest: run disburse verify)"
        }
        _ = try OutputFolder.open(settings.release.spool(output: settings.outputDirectory))
        _ = try OutputFolder.open(spoolFolder)
        let temporary = spoolFolder + "/." + item.remoteName + ".tmp"
        try gpg.encryptAndSign(source, to: temporary, recipient: recipient, signer: signer)
        guard let sealed = FileManager.default.contents(atPath: temporary) else {
            throw GnuPG.Failure(description: "gpg wrote no output for \(item.file.name): check free space in \(spoolFolder).")
        }
        try AtomicFile.write(Array(sealed), to: spooled)
        try? FileManager.default.removeItem(atPath: temporary)
        checkpoint("deliver:encrypted")
        let sha = Digest.sha256Hex(sealed)
        try connection.execute(
            """
            INSERT INTO disbursement.deliveries
                (business_date, file_name, channel, remote_name, plaintext_sha256, sent_sha256, sent_size, state, run_id, prepared_for)
            VALUES ($1::date, $2, $3, $4, $5, $6, $7, 'PREPARED', $8, $9)
            ON CONFLICT (business_date, file_name) DO UPDATE
               SET sent_sha256 = excluded.sent_sha256, sent_size = excluded.sent_size, run_id = excluded.run_id,
                   prepared_for = excluded.prepared_for
             WHERE deliveries.state = 'PREPARED'
            """, [item.date, item.file.name, item.channel, item.remoteName, item.file.sha256, sha, Int64(sealed.count), runID, keys])
        checkpoint("deliver:prepared")
        item.state = "PREPARED"
        item.sentSHA256 = sha
        item.sentSize = Int64(sealed.count)
        item.preparedFor = keys
        return nil
    }
}
