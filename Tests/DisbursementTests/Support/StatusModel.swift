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
        /// An open DOUBLE_PAYMENT: the channel said PAID while another attempt had paid or might.
        var doubleOpen = false
        /// Where this attempt's money is by the last word on it: out (PAID from the channel or
        /// finance), back (RETURNED from the channel, RETURNED or FAILED from finance), nil never out.
        var moneyOut: Bool?
        /// It was PAID (moved there by a line or a settlement) at some point.
        var wasPaid = false
        /// When the RETURNED lines that moved it were settled (those that said when).
        var returnedAt: [Int] = []
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

    /// A channel says `status` for attempt `index` (0-based), settled at `time` (any ordered
    /// instant, nil when the line says none).
    @discardableResult
    mutating func say(_ status: Status, attempt index: Int, at time: Int? = nil) -> Effect {
        attempts[index].said.append(status)
        let current = attempts[index].status
        // A status already passed: PAID again after PAID then RETURNED (history re-sent), unless
        // it is dated after a return that moved it: a payment after the money came back is news.
        let afterReturn = time.map { time in attempts[index].returnedAt.contains { $0 < time } } ?? false
        if status == .paid && current == .returned && attempts[index].wasPaid && !afterReturn { return .unchanged }
        if status == .paid { attempts[index].moneyOut = true }
        if status == .returned, attempts[index].moneyOut == true { attempts[index].moneyOut = false }
        if status == current { return .unchanged }
        // The double payment is open already: the same PAID again says nothing new.
        if status == .paid && attempts[index].doubleOpen { return .unchanged }
        let doubled = status == .paid && attempts.indices.contains { $0 != index && mayBePaid($0, against: index) }
        if !doubled {
            if Self.forward[current, default: []].contains(status) {
                attempts[index].status = status
                if status == .paid { attempts[index].wasPaid = true }
                if status == .returned, let time { attempts[index].returnedAt.append(time) }
                return .moved
            }
            // A late acknowledgement: every final status has passed PENDING.
            if status == .pending { return .unchanged }
        }
        attempts[index].openExceptions += 1
        if doubled { attempts[index].doubleOpen = true }
        // A double payment is flagged once: the other attempt's own PAID is then no news.
        if status == .paid && !doubled { attempts[index].paidClaimOpen = true }
        return .exception
    }

    /// The night: a new attempt when none is live, nothing is open and the limit allows.
    mutating func night() {
        guard !open, !attempts.contains(where: { $0.status.live }), attempts.count < attemptLimit else { return }
        attempts.append(Attempt())
    }

    /// Whether finance may settle attempt `index` as `status`: an entitlement is paid once, so
    /// PAID is refused while another attempt is live; and a double payment whose other attempt
    /// is no longer live (its money came back, or it failed) is the payment the participant keeps:
    /// FAILED or RETURNED would make the entitlement due again and pay it a third time.
    func mayResolve(_ index: Int, as status: Status) -> Bool {
        let otherLive = attempts.indices.contains { $0 != index && attempts[$0].status.live }
        if status == .paid { return !otherLive }
        return !(attempts[index].doubleOpen && !otherLive)
    }

    /// Finance settles attempt `index` with its true final status.
    mutating func resolve(_ index: Int, as status: Status) {
        attempts[index].status = status
        attempts[index].openExceptions = 0
        attempts[index].paidClaimOpen = false
        attempts[index].doubleOpen = false
        attempts[index].moneyOut = status == .paid
        if status == .paid { attempts[index].wasPaid = true }
    }

    /// Payments the participant keeps for this entitlement, by the last word on each attempt
    /// (the channel's, or finance's settlement). Never more than one once nothing is open.
    var moneyKept: Int { attempts.filter { $0.moneyOut == true }.count }

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
