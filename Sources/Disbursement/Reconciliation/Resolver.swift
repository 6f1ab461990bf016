import Foundation

/// `disburse resolve`: finance settles an open STATUS_CONFLICT or DOUBLE_PAYMENT (SPEC §7) by
/// giving the payout's true final status and a reason. The payout moves to it (kept totals
/// with it), every open conflict of the payout is closed and the settlement is recorded with
/// the database session user, the operating-system user and the time. The entitlement's hold
/// releases on the next night, which then makes the next attempt if the payout is FAILED or
/// RETURNED. Runs under the run lock and is recorded in the run log like every command.
public struct Resolver {
    /// The statuses finance may give: a payout's final answers. PENDING settles nothing.
    public static let allowed: [PayoutStatus] = [.paid, .failed, .returned]

    public struct Outcome: Codable, Equatable, Sendable, JobResult {
        public var endToEndId: String
        public var statusBefore: String
        public var status: String
        public var exceptionsClosed: Int
        public var amountToRecover: Int64
        public var resolutionID: Int64
        /// Another attempt of the entitlement that is still live: no new attempt while it is.
        public var liveAttempt: String?

        public var exitStatus: ExitStatus { .success }
        public var runLogMessage: String? { "\(endToEndId) \(statusBefore) → \(status)" }

        enum CodingKeys: String, CodingKey {
            case endToEndId = "end_to_end_id", statusBefore = "status_before", status, exceptionsClosed = "exceptions_closed"
            case amountToRecover = "amount_to_recover", resolutionID = "resolution_id", liveAttempt = "live_attempt"
        }
    }

    public init() {}

    public func resolve(
        _ connection: Connection, endToEndId: String, status: PayoutStatus, reason: String, arguments: [String]
    ) throws -> Outcome {
        try Job(command: "resolve", arguments: arguments).run(connection) { log in
            try connection.withTransaction {
                try settle(connection, endToEndId: endToEndId, status: status, reason: reason, runID: log.runID)
            }
        }
    }

    private func settle(_ connection: Connection, endToEndId: String, status: PayoutStatus, reason: String, runID: Int64) throws -> Outcome {
        let shown = Masking.digitRuns(String(endToEndId.prefix(40)))
        guard Self.allowed.contains(status) else {
            throw UsageError("--status must be the payout's true final status: PAID, FAILED or RETURNED.")
        }
        let reasonText = reason.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        guard !reasonText.isEmpty, reasonText.count <= 1000 else {
            throw UsageError("--reason must say in 1 to 1,000 characters why the payout is settled so (finance's case note).")
        }
        guard let reference = EndToEndID(endToEndId),
              let payout = try connection.query(
                ResolverSQL.payoutForUpdate,
                [reference.registrantID, reference.kind, Int(reference.number), Int(reference.attempt), endToEndId]
              ).first
        else {
            throw UsageError("No payout has the reference \(shown); copy it from report reconciliation.")
        }
        let before = try payout.decode("status", as: String.self)
        // One payout: its DOUBLE_PAYMENT lines (one per file that repeated it) name the same rupiah.
        let open = try connection.queryOne(ResolverSQL.openExceptions, [reference.registrantID, endToEndId])
        let openCount = try open.decode(0, as: Int.self)
        let doubled = try open.decode(1, as: Int.self) > 0
        let others = try connection.query(
            ResolverSQL.otherAttempts, [reference.registrantID, reference.kind, Int(reference.number), Int(reference.attempt)]
        ).map { row in
            (reference: try row.decode("end_to_end_id", as: String.self), status: try row.decode("status", as: String.self),
             live: try row.decode("live", as: Bool.self), doubled: try row.decode("doubled", as: Bool.self))
        }
        let live = others.first { $0.live }
        // Finance recovered this attempt's money while the double payment is open on the other:
        // the recovered attempt is the one to settle RETURNED, and the other's stays open.
        let recoveredOther = openCount == 0 && status == .returned && before == PayoutStatus.paid.rawValue
            && others.contains { $0.doubled }
        guard openCount > 0 || recoveredOther else {
            throw UsageError("Payout \(shown) has no open status conflict or double payment; there is nothing to resolve.")
        }
        if status == .paid, let live {
            throw UsageError(
                "Payout \(Masking.digitRuns(live.reference)) of the same entitlement is \(live.status), and an entitlement is paid once: settle \(shown) as RETURNED once its own payment is recovered, or as FAILED if it never arrived.")
        }
        // A double payment whose other attempt is no longer live (its money came back, or it
        // failed): this attempt's payment is the one the participant keeps. Settling it FAILED or
        // RETURNED would make the entitlement due again and pay it a third time.
        if doubled, status != .paid, live == nil {
            let other = others.last.map { " (\(Masking.digitRuns($0.reference)) is \($0.status))" } ?? ""
            throw UsageError(
                "Payout \(shown) was reported PAID twice over, and no other attempt of the entitlement is live any more\(other): the participant keeps this payment, so settle it as PAID. FAILED or RETURNED would make the entitlement due again and pay it once more.")
        }
        if before != status.rawValue {
            try connection.execute(
                ResolverSQL.moveStatus,
                [reference.registrantID, reference.kind, Int(reference.number), Int(reference.attempt), status.rawValue])
            try connection.execute(
                ResolverSQL.moveTotals,
                [reference.registrantID, reference.kind, Int(reference.number), Int(reference.attempt), before, status.rawValue])
        }
        let user = OperatingSystemUser.current()
        let resolutionID = try connection.queryOne(
            ResolverSQL.recordResolution,
            [reference.registrantID, reference.kind, Int(reference.number), Int(reference.attempt), endToEndId, before,
             status.rawValue, Masking.digitRuns(reasonText), user, runID]
        ).decode(0, as: Int64.self)
        if status == .paid {
            try connection.execute(ResolverSQL.takeBackExpiry, [reference.registrantID, reference.kind, Int(reference.number)])
        }
        try connection.execute(ResolverSQL.closeExceptions, [reference.registrantID, endToEndId, resolutionID])
        return Outcome(
            endToEndId: endToEndId, statusBefore: before, status: status.rawValue, exceptionsClosed: openCount,
            amountToRecover: try open.decode(2, as: Int64.self), resolutionID: resolutionID,
            liveAttempt: status == .paid ? nil : live?.reference)
    }
}

extension Resolver {
    /// What finance reads after settling: the move, the exceptions closed, what happens next.
    public static func render(_ outcome: Outcome, json: Bool) -> String {
        if json { return ((try? JSONText.encode(outcome)) ?? "{}") + "\n" }
        let next = if outcome.status == PayoutStatus.paid.rawValue {
            "the entitlement counts as paid"
        } else if let live = outcome.liveAttempt {
            "the entitlement rests on \(Masking.digitRuns(live)), still live: no new attempt while it is"
        } else {
            "the entitlement is due again at the next night (a new attempt, unless another hold applies)"
        }
        var lines = [
            "Resolved \(outcome.endToEndId): \(outcome.statusBefore) → \(outcome.status); \(outcome.exceptionsClosed) open exception(s) closed (resolution \(outcome.resolutionID)).",
            "Its STATUS_CONFLICT hold releases at the next night; then \(next).",
        ]
        if outcome.amountToRecover > 0 {
            lines.append("Double payment: Rp\(outcome.amountToRecover.grouped) was to be recovered.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
