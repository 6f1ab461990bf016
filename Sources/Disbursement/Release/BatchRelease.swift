import Foundation

/// Four eyes before money leaves: a batch waits for another login's approval (or rejection)
/// of the totals and the manifest hash it was shown. The rules are enforced by the database
/// functions of migration 0016, so a login with nothing but EXECUTE on them cannot get around
/// them; this type reads and calls them and turns their refusals into operator sentences.
public enum BatchRelease {
    public enum Verdict: String, Sendable, Codable {
        case approved = "APPROVED"
        case rejected = "REJECTED"
    }

    /// A batch as an approver sees it: no participant in it, only totals and the hash.
    public struct Overview: Sendable, Codable, Equatable {
        public struct Line: Sendable, Codable, Equatable {
            public var channel: String
            public var kind: String
            public var payouts: Int64
            public var amount: Int64
        }

        public struct Decision: Sendable, Codable, Equatable {
            public var verdict: Verdict
            public var by: String
            public var at: String
            public var reason: String?
        }

        public var businessDate: String
        public var lines: [Line]
        /// Nil until the night has written the batch's files.
        public var manifestSHA256: String?
        public var madeBy: String?
        public var madeAt: String
        public var decision: Decision?

        public var payouts: Int64 { lines.reduce(0) { $0 + $1.payouts } }
        public var amount: Int64 { lines.reduce(0) { $0 + $1.amount } }
    }

    /// The shortest part of the manifest hash an approver must type back: enough that a
    /// batch changed behind their back cannot match by chance.
    public static let confirmationLength = 12

    public static func overview(_ connection: Connection, date: BusinessDate) throws -> Overview {
        let rows = try connection.query(
            """
            SELECT channel, kind, payouts, amount::bigint AS amount, manifest_sha256, made_by,
                   to_char(made_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI "WIB"') AS made_at, decision, decided_by,
                   to_char(decided_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI "WIB"') AS decided_at, reason
              FROM disbursement.batch_for_release($1::date)
            """, [date])
        guard let first = rows.first else { throw ReleaseError.noBatch(date) }
        var overview = Overview(
            businessDate: date.description, lines: [],
            manifestSHA256: try first.decodeIfPresent("manifest_sha256", as: String.self),
            madeBy: try first.decodeIfPresent("made_by", as: String.self),
            madeAt: try first.decode("made_at", as: String.self))
        if let verdict = try first.decodeIfPresent("decision", as: String.self).flatMap(Verdict.init(rawValue:)) {
            overview.decision = .init(
                verdict: verdict, by: try first.decode("decided_by", as: String.self),
                at: try first.decode("decided_at", as: String.self),
                reason: try first.decodeIfPresent("reason", as: String.self))
        }
        for row in rows {
            // A batch with no payout at all still has its one row, without a channel.
            guard let channel = try row.decodeIfPresent("channel", as: String.self) else { continue }
            overview.lines.append(.init(
                channel: channel, kind: try row.decode("kind", as: String.self),
                payouts: try row.decode("payouts", as: Int64.self), amount: try row.decode("amount", as: Int64.self)))
        }
        return overview
    }

    /// Records `verdict` for the batch of `date`, if `confirmation` (the start of the manifest
    /// hash the approver was shown, at least `confirmationLength` characters) is the batch's.
    @discardableResult
    public static func decide(
        _ connection: Connection, date: BusinessDate, verdict: Verdict, confirmation: String, reason: String?
    ) throws -> Overview {
        // A reason is kept for ever: a NIK or account number typed into it is not.
        let reason = reason.map(Masking.digitRuns)
        let arguments = [date.description, "--confirm", confirmation] + (reason.map { ["--reason", $0] } ?? [])
        do {
            let decided = try decideChecked(connection, date: date, verdict: verdict, confirmation: confirmation, reason: reason)
            log(connection, verdict: verdict, date: date, arguments: arguments, exit: 0, message: nil)
            return decided
        } catch let refusal as ReleaseError {
            log(connection, verdict: verdict, date: date, arguments: arguments, exit: 64, message: refusal.description)
            throw refusal
        }
    }

    private static func decideChecked(
        _ connection: Connection, date: BusinessDate, verdict: Verdict, confirmation: String, reason: String?
    ) throws -> Overview {
        if verdict == .rejected, (reason ?? "").allSatisfy(\.isWhitespace) { throw ReleaseError.reasonMissing }
        let shown = try overview(connection, date: date)
        guard let manifest = shown.manifestSHA256 else { throw ReleaseError.notWritten(date) }
        let typed = confirmation.lowercased()
        guard typed.count >= confirmationLength, manifest.hasPrefix(typed) else {
            throw ReleaseError.confirmationMismatch(date)
        }
        do {
            _ = try connection.queryOne(
                "SELECT disbursement.decide_batch($1::date, $2, $3, $4)", [date, verdict.rawValue, manifest, reason])
        } catch {
            if let refusal = ReleaseError(error, date: date, madeBy: shown.madeBy) { throw refusal }
            throw error
        }
        return try overview(connection, date: date)
    }

    /// Every decision and every refused try goes to the run log (migration 0032), through the one
    /// function an approver may call for it. Recording is best effort: an approver login
    /// without that grant (set up before roles.sql was re-run) still decides.
    private static func log(
        _ connection: Connection, verdict: Verdict, date: BusinessDate, arguments: [String], exit: Int, message: String?
    ) {
        let info = ProcessInfo.processInfo
        let user = info.environment["USER"] ?? info.environment["LOGNAME"] ?? String(getuid())
        _ = try? connection.execute(
            "SELECT disbursement.log_release($1, $2::text[], $3::date, $4, $5, $6, $7, $8, $9)",
            [verdict == .approved ? "approve" : "reject",
             PostgresArray(CredentialRedaction.arguments(arguments).map(Masking.digitRuns)), date, user, info.hostName,
             Int(info.processIdentifier), ToolVersion.current, exit, message.map(Masking.digitRuns)])
    }
}
