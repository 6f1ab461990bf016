/// SPEC §7 written a second time, in Swift and from the SPEC's words, to check reconciliation
/// and the night from outside: what one entitlement's attempts should look like after every
/// status line, night and resolution. Shares no code with ReconciliationSQL or EligibilitySQL.
struct StatusModel {
    enum Status: String, CaseIterable, Sendable {
        case issued = "ISSUED", pending = "PENDING", paid = "PAID", failed = "FAILED", returned = "RETURNED"

        var live: Bool { self == .issued || self == .pending || self == .paid }
    }

    struct Attempt {
        var status: Status = .issued
        /// Every status a channel said for it, in the order they took effect.
        var said: [Status] = []
        /// An open STATUS_CONFLICT came from a line saying PAID: money may have gone out.
        var paidClaimOpen = false
        var openExceptions = 0
    }

    /// The forward moves of SPEC §7; anything else from a final or PAID status contradicts it.
    static let forward: [Status: Set<Status>] = [
        .issued: [.pending, .paid, .failed, .returned],
        .pending: [.paid, .failed, .returned],
        .paid: [.returned],
        .failed: [],
        .returned: [],
    ]

    enum Effect: Equatable { case moved, unchanged, exception }

    var attempts: [Attempt] = [Attempt()]
    let attemptLimit: Int

    init(attemptLimit: Int) { self.attemptLimit = attemptLimit }

    var open: Bool { attempts.contains { $0.openExceptions > 0 } }

    /// Whether attempt `other` has paid or may still pay, seen from a PAID report for `index`.
    func mayBePaid(_ other: Int, against index: Int) -> Bool {
        let attempt = attempts[other]
        return attempt.status == .paid || attempt.paidClaimOpen || (attempt.status.live && other > index)
    }

    /// A channel says `status` for attempt `index` (0-based).
    @discardableResult
    mutating func say(_ status: Status, attempt index: Int) -> Effect {
        attempts[index].said.append(status)
        let current = attempts[index].status
        if status == current { return .unchanged }
        let doubled = status == .paid && attempts.indices.contains { $0 != index && mayBePaid($0, against: index) }
        if !doubled {
            if Self.forward[current, default: []].contains(status) {
                attempts[index].status = status
                return .moved
            }
            // A late acknowledgement: every final status has passed PENDING.
            if status == .pending { return .unchanged }
        }
        attempts[index].openExceptions += 1
        // A double payment is flagged once: the other attempt's own PAID is then no news.
        if status == .paid && !doubled { attempts[index].paidClaimOpen = true }
        return .exception
    }

    /// The night: a new attempt when none is live, nothing is open and the limit allows.
    mutating func night() {
        guard !open, !attempts.contains(where: { $0.status.live }), attempts.count < attemptLimit else { return }
        attempts.append(Attempt())
    }

    /// Finance settles attempt `index` with its true final status.
    mutating func resolve(_ index: Int, as status: Status) {
        attempts[index].status = status
        attempts[index].openExceptions = 0
        attempts[index].paidClaimOpen = false
    }

    /// Attempts whose money went out and did not come back, by what the channels said.
    var moneyOut: Int {
        attempts.filter { attempt in
            guard let paid = attempt.said.lastIndex(of: .paid) else { return false }
            return !attempt.said[paid...].contains(.returned)
        }.count
    }
}

extension StatusModel {
    /// SplitMix64: the same seed gives the same cases on every machine.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
