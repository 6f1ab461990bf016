import Foundation
import Logging

/// Renders recorded batches into `OUT/YYYY-MM-DD/`: per channel CSV and pain.001 files of at
/// most `max_items_per_file` payouts, then `manifest.json`. The files are a pure function of
/// the batch, so a missing or damaged one is rewritten byte-identically and good ones are left alone.
public struct BatchFiles {
    let settings: Settings
    let logger: Logger
    let checkpoint: @Sendable (String) -> Void

    /// Writes whatever is missing for every batch up to `date` whose files are not yet vouched
    /// for, and checks (and repairs) the folder of `date` itself. Returns the files written.
    func ensureAll(_ connection: Connection, through date: BusinessDate) throws -> [String] {
        let batches = try connection.query(
            """
            SELECT to_char(business_date, 'YYYY-MM-DD') AS d, manifest_sha256,
                   EXISTS (SELECT 1 FROM disbursement.payouts p WHERE p.business_date = b.business_date)
                   AND NOT EXISTS (SELECT 1 FROM disbursement.payment_messages m WHERE m.business_date = b.business_date)
                     AS unrecorded
              FROM disbursement.batches b
             WHERE business_date <= $1
               AND (manifest_sha256 IS NULL OR business_date = $1
                    -- Written before migration 0014: its pain.001 ids are recorded once, from a render.
                    OR (EXISTS (SELECT 1 FROM disbursement.payouts p WHERE p.business_date = b.business_date)
                        AND NOT EXISTS (SELECT 1 FROM disbursement.payment_messages m WHERE m.business_date = b.business_date)))
             ORDER BY business_date
            """, [date])
        guard !batches.isEmpty else { return [] }
        let out = try OutputFolder.open(settings.outputDirectory)
        var written: [String] = []
        for batch in batches {
            // A batch that cannot be named cannot be rendered: that is an error, never a skip
            // (a night that wrote no files must not pass as done).
            let text = try batch.decode("d", as: String.self)
            guard let day = BusinessDate(text) else {
                throw InconsistencyError("The business date of a recorded batch reads \"\(Masking.printable(text))\", not YYYY-MM-DD, so its files cannot be written; call the disburse team.")
            }
            let recorded = try batch.decodeIfPresent("manifest_sha256", as: String.self)
            // An earlier batch whose files are vouched for is here only to have its pain.001 ids
            // recorded: rendered without writing (its files may have been moved away once sent,
            // and must not reappear).
            if let recorded, day != date {
                do {
                    _ = try render(connection, date: day, into: nil, recordedManifest: recorded)
                } catch let error as any OperatorError {
                    // Settings changed since that batch: it cannot be rendered as sent, so its
                    // block and group statuses will be UNKNOWN_REFERENCE; the night goes on.
                    logger.warning("The pain.001 ids of \(day) could not be recorded: \(error.description)")
                }
                continue
            }
            let existing = try out.subfolder(day.description, create: false)
            if let recorded {
                if let existing, isIntact(existing, manifestSHA256: recorded) {
                    if try batch.decode("unrecorded", as: Bool.self) {
                        _ = try render(connection, date: day, into: nil, recordedManifest: recorded)
                    }
                    continue
                }
                if existing != nil {
                    // A repair first renders without writing: if the batch or the settings changed
                    // since, it is refused before a single file that was sent is overwritten.
                    _ = try render(connection, date: day, into: nil, recordedManifest: recorded)
                }
            }
            // Nothing of the batch was there to overwrite: the files are written at once (half
            // the work); if they come out different, the folder goes again.
            let createdFolder = existing == nil
            do {
                guard let folder = try existing ?? out.subfolder(day.description, create: true) else { continue }
                written += try render(connection, date: day, into: folder, recordedManifest: recorded)
            } catch {
                if createdFolder && recorded != nil { out.removeSubfolder(day.description) }
                if error is any OperatorError || error is AtomicFile.IOFailure { throw error }
                throw FilesUnfinishedError(date: day.description, cause: error)
            }
        }
        return written
    }

    /// The fast path of a re-run: the manifest on disk is the recorded one and every file it
    /// lists hashes right.
    private func isIntact(_ folder: OutputFolder, manifestSHA256: String) -> Bool {
        guard folder.sha256(of: "manifest.json") == manifestSHA256, let bytes = folder.contents(of: "manifest.json"),
              let manifest = try? Manifest.decode(Data(bytes))
        else { return false }
        return manifest.files.allSatisfy { folder.sha256(of: $0.name) == $0.sha256 }
    }

    /// Renders the batch of `date`; writes what differs into `folder`, or with no folder only
    /// checks that the rendering matches the recorded manifest.
    private func render(_ connection: Connection, date: BusinessDate, into folder: OutputFolder?, recordedManifest: String?) throws -> [String] {
        let batch = try connection.queryOne(
            """
            SELECT to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"') AS created_at,
                   tool_version, settings_fingerprint,
                   (SELECT manifest_sha256 FROM disbursement.batches p WHERE p.business_date < b.business_date
                     ORDER BY p.business_date DESC LIMIT 1) AS previous
              FROM disbursement.batches b WHERE business_date = $1
            """, [date])
        let createdAt = try batch.decode("created_at", as: String.self)

        var entries: [FileEntry] = []
        var written: [String] = []
        var byChannel: [String: Manifest.Total] = [:]
        var byKind: [String: Manifest.Total] = [:]
        var pending: [PayoutLine] = []
        var messages: [PaymentMessage] = []
        var fileNumber = 0
        var currentChannel: String?
        // Two chunks in flight at the default size; one when files are large, so at most about
        // 20,000 payouts' lines and bytes are held besides the chunk being read (a chunk of the
        // largest files, 1,000,000 payouts, is over 600 MB rendered).
        let renderer = ChunkRenderer(width: settings.maxItemsPerFile <= 10_000 ? 2 : 1)

        func flush() throws {
            guard let channelCode = currentChannel, !pending.isEmpty else { return }
            guard let channel = settings.channel(channelCode) else {
                throw SettingsError("Batch \(date) has payouts for channel \(channelCode) but the settings have no [channels.\(channelCode)]: restore that section to write its files.")
            }
            fileNumber += 1
            let base = "\(channelCode)-\(String(format: "%03d", fileNumber))"
            let writer = Pain001Writer(channel: channel, initiatingParty: settings.initiatingPartyName, businessDate: date, createdAt: createdAt)
            let sum = pending.reduce(Int64(0)) { $0 + $1.amount }
            if let first = pending.first, let last = pending.last {
                let id = writer.messageID(fileNumber: fileNumber)
                messages.append(PaymentMessage(
                    messageID: id, blockID: id, channel: channelCode, fileName: base + ".xml", firstEndToEndID: first.endToEndId,
                    lastEndToEndID: last.endToEndId, payouts: pending.count, amount: sum))
            }
            let lines = pending, number = fileNumber
            try renderer.submit({
                [(base + ".csv", PayoutCSVWriter.render(lines)), (base + ".xml", writer.render(lines, fileNumber: number))]
                    .map { ChunkRenderer.File(name: $0.0, bytes: $0.1, sha256: Digest.sha256Hex($0.1), rows: lines.count, sum: sum) }
            }, take: take)
            pending.removeAll(keepingCapacity: true)
        }

        // Files are written and listed in the order their chunks were read, whichever core
        // rendered them.
        func take(_ files: [ChunkRenderer.File]) throws {
            for file in files {
                if let folder, folder.sha256(of: file.name) != file.sha256 {
                    try folder.write(file.bytes, name: file.name) { checkpoint("partial:\(file.name)") }
                    written.append(date.description + "/" + file.name)
                    checkpoint("file:\(file.name)")
                }
                entries.append(FileEntry(name: file.name, sha256: file.sha256, rows: file.rows, sum: file.sum))
            }
        }

        try connection.setSessionSetting("disburse.render_date", date)
        // Byte order (COLLATE "C"), not the server's locale: the files must come out the same
        // on any server the batch is restored to, and it sorts several times faster.
        try connection.withTransaction {
            try connection.execute("SET LOCAL work_mem = '256MB'")
            // In a SQL_ASCII database the registry's bytes were never checked: a name that is not
            // UTF-8 would make the server refuse to send the rows as UTF-8 and stop every night.
            // The bytes are taken as they are and decoded with U+FFFD for what is not UTF-8
            // (CopyText), the same on every re-render. Any other database checked them on input.
            try connection.execute(
                "SELECT set_config('client_encoding', 'SQL_ASCII', true) WHERE current_setting('server_encoding') = 'SQL_ASCII'")
            try connection.copyOut(
                """
                COPY (SELECT channel, end_to_end_id, account_no, account_name, amount, kind, number, va
                        FROM disbursement.payouts WHERE business_date = current_setting('disburse.render_date')::date
                       ORDER BY channel COLLATE "C", end_to_end_id COLLATE "C") TO STDOUT
                """
            ) { raw in
                let fields = CopyText.fields(raw)
                guard fields.count == 8, let channel = fields[0], let reference = fields[1], let amountText = fields[4],
                      let amount = Int64(amountText), let kind = fields[5], let numberText = fields[6], let number = Int(numberText)
                else { throw PostgresError(kind: .decoding, message: "A payout row of batch \(date) could not be read.") }
                if channel != currentChannel {
                    try flush()
                    currentChannel = channel
                    fileNumber = 0
                }
                pending.append(PayoutLine(
                    endToEndId: reference, channel: channel, accountNo: fields[2] ?? "", accountName: fields[3] ?? "",
                    amount: amount, kind: kind, number: number, va: fields[7] ?? ""))
                byChannel[channel, default: .init(name: channel, count: 0, sum: 0)].count += 1
                byChannel[channel, default: .init(name: channel, count: 0, sum: 0)].sum += amount
                byKind[kind, default: .init(name: kind, count: 0, sum: 0)].count += 1
                byKind[kind, default: .init(name: kind, count: 0, sum: 0)].sum += amount
                if pending.count == settings.maxItemsPerFile { try flush() }
            }
        }
        try flush()
        try renderer.drain(take)

        let manifest = Manifest(
            businessDate: date, toolVersion: try batch.decode("tool_version"),
            settingsFingerprint: try batch.decode("settings_fingerprint"), createdAt: createdAt,
            previousManifestSHA256: try batch.decodeIfPresent("previous"), files: entries,
            totalsByChannel: byChannel.values.sorted { $0.name < $1.name },
            totalsByKind: byKind.values.sorted { $0.name < $1.name })
        let bytes = try manifest.encoded()
        let sha = Digest.sha256Hex(bytes)
        if let recordedManifest, recordedManifest != sha {
            throw InputError("The files of \(date) rendered now differ from those recorded (manifest \(recordedManifest.prefix(12))… vs \(sha.prefix(12))…): the batch or the settings changed since; do not send these files and call the disburse team.")
        }
        try PaymentMessage.record(messages, date: date, connection)
        guard let folder else { return [] }
        if folder.sha256(of: "manifest.json") != sha {
            try folder.write(bytes, name: "manifest.json")
            written.append(date.description + "/manifest.json")
            checkpoint("manifest")
        }
        removeUnvouched(folder, keeping: Set(entries.map(\.name) + ["manifest.json"]))
        if recordedManifest == nil {
            try connection.execute("UPDATE disbursement.batches SET manifest_sha256 = $2 WHERE business_date = $1", [date, sha])
        }
        logger.info("Files of \(date) are complete: \(entries.count) files, manifest \(sha.prefix(12))…")
        return written
    }

    /// Leftovers of a killed writer (temporary names) are removed; anything else unknown is
    /// reported, never deleted: it may be someone's.
    private func removeUnvouched(_ folder: OutputFolder, keeping names: Set<String>) {
        for name in folder.names() where !names.contains(name) {
            if name.hasPrefix(".") && name.contains(AtomicFile.temporaryMarker) {
                folder.remove(name)
            } else {
                logger.warning("\(folder.path)/\(name) is not part of the batch; it was left alone.")
            }
        }
    }
}
