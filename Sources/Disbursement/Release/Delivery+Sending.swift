import Foundation

extension Delivery {
    /// One channel's files through three SFTP sessions: look at the inbox; upload to `.part`
    /// names and read them back; rename and look again. The database records each step only
    /// after it is known to have happened, so a crash anywhere leaves a state the next call
    /// settles by looking at the inbox before sending anything.
    func send(_ work: [Item], link: ChannelLink, connection: Connection, report: inout Report) throws -> ChannelLink.Problem? {
        guard !work.isEmpty else { return nil }
        let inbox = link.settings.inbox
        let present: [String: Int64]
        switch try link.list(inbox) {
        case .failure(let problem): return problem
        case .success(let entries): present = Dictionary(entries.map { ($0.name, $0.size) }) { first, _ in first }
        }
        var upload: [Item] = [], checkFinal: [Item] = [], rename: [Item] = []
        var uploaded: [Item] = []
        for item in work {
            if item.state == "PREPARED" || item.state == "UPLOADED" {
                // Only a rename after RENAMING was recorded puts our final name at the channel.
                if present[item.remoteName] != nil {
                    report.refused.append("\(item.date)/\(item.file.name) (the channel already holds \(item.remoteName), which this tool did not finish sending: compare it by hand)")
                } else if item.state == "UPLOADED", present[item.partName] == item.sentSize {
                    uploaded.append(item)
                } else {
                    // Never renamed by us: a `.part` the channel purged is simply sent again.
                    upload.append(item)
                }
            } else if present[item.remoteName] != nil {
                checkFinal.append(item)
            } else if present[item.partName] == item.sentSize {
                rename.append(item)
            } else if present[item.partName] == nil {
                // Renamed by the call that was cut off, and already taken away by the channel.
                try markDelivered(item, connection: connection, report: &report)
            } else {
                upload.append(item)
            }
        }

        let scratch = try TemporaryFolder(prefix: "disburse-check")
        var commands: [String] = []
        for item in upload {
            commands.append("put \(try Self.quoted(spoolPath(item))) \(inbox)/\(item.partName)")
            commands.append("get \(inbox)/\(item.partName) \(try Self.quoted(scratch.path + "/" + item.remoteName))")
        }
        for item in checkFinal {
            commands.append("get \(inbox)/\(item.remoteName) \(try Self.quoted(scratch.path + "/" + item.remoteName))")
        }
        if !commands.isEmpty, case .failure(let problem) = try link.run(commands) { return problem }
        func readBack(_ item: Item) -> Bool {
            FileManager.default.contents(atPath: scratch.path + "/" + item.remoteName).map(Digest.sha256Hex) == item.sentSHA256
        }
        for item in checkFinal {
            if readBack(item) {
                try markDelivered(item, connection: connection, report: &report)
            } else {
                report.refused.append("\(item.date)/\(item.file.name) (the channel holds \(item.remoteName) with other bytes than were sent: ask the channel)")
            }
        }
        let verified = upload.filter(readBack) + uploaded
        for item in upload where !readBack(item) {
            report.refused.append("\(item.date)/\(item.file.name) (read back from the channel with other bytes than were sent; retried next time)")
        }
        checkpoint("deliver:uploaded")
        // UPLOADED, then RENAMING only just before the rename is sent: a file cut off in between
        // was never renamed, so a `.part` gone by the next call is uploaded again, not taken as delivered.
        for state in ["UPLOADED", "RENAMING"] {
            for item in verified {
                try connection.execute(
                    """
                    UPDATE disbursement.deliveries SET state = $3
                     WHERE business_date = $1::date AND file_name = $2 AND state IN ('PREPARED', 'UPLOADED')
                    """, [item.date, item.file.name, state])
            }
            if state == "UPLOADED" { checkpoint("deliver:renaming") }
        }

        let renaming = verified + rename
        guard !renaming.isEmpty else { return nil }
        let after: [String: Int64]
        switch try link.run(renaming.map { "rename \(inbox)/\($0.partName) \(inbox)/\($0.remoteName)" } + ["@ls -ln \(inbox)"]) {
        case .failure(let problem): return problem
        case .success(let lines): after = Dictionary(ChannelLink.parseListing(lines).map { ($0.name, $0.size) }) { first, _ in first }
        }
        checkpoint("deliver:renamed")
        for item in renaming {
            if after[item.remoteName] == item.sentSize, after[item.partName] == nil {
                try markDelivered(item, connection: connection, report: &report)
            } else if after[item.remoteName] == nil, after[item.partName] == nil {
                // Renamed and taken at once, or gone: not reported as sent by this call.
                report.refused.append("\(item.date)/\(item.file.name) (renamed, but \(item.remoteName) is not in the inbox: delivery not confirmed, ask the channel whether it has it)")
            } else {
                return .unreachable("\(item.remoteName) did not appear in the inbox after the rename")
            }
        }
        return nil
    }

    func spoolPath(_ item: Item) -> String {
        settings.release.spool(output: settings.outputDirectory) + "/" + item.date + "/" + item.remoteName
    }

    private func markDelivered(_ item: Item, connection: Connection, report: inout Report) throws {
        try connection.execute(
            """
            UPDATE disbursement.deliveries SET state = 'DELIVERED', delivered_at = clock_timestamp()
             WHERE business_date = $1::date AND file_name = $2 AND state <> 'DELIVERED'
            """, [item.date, item.file.name])
        try? FileManager.default.removeItem(atPath: spoolPath(item))
        report.delivered.append("\(item.date)/\(item.file.name) → \(item.channel) as \(item.remoteName)")
    }

    /// A local path as one sftp batch argument.
    static func quoted(_ path: String) throws -> String {
        guard !path.contains("\""), !path.contains("\n") else {
            throw SettingsError("The local path \(path) holds a quote or a line break: choose plain folder names for the output and spool.")
        }
        return "\"" + path + "\""
    }
}
