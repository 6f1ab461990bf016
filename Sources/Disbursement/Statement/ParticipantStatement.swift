/// One participant's statement for the call centre (issue 19), as
/// `disbursement.participant_statement` hands it out (migration 0040): every identifying value
/// is masked by the database before it leaves it. Dates stay `YYYY-MM-DD` text, as PostgreSQL
/// writes them into JSON.
public struct ParticipantStatement: Codable, Sendable, Equatable {
    public struct Person: Codable, Sendable, Equatable {
        public var name: String?
        public var nik: String?
        public var phone: String?
        /// Rows the registry has for this registrant id (more than one: held INVALID_NIK).
        public var registryRows: Int
    }

    public struct Membership: Codable, Sendable, Equatable {
        public var decreeNo: String?
        public var wave: Int?
        public var issuedOn: String?
        public var status: String?
        public var changedOn: String?
    }

    /// The membership whose decree's scheme applies (the night's choice).
    public struct Decree: Codable, Sendable, Equatable {
        public var decreeNo: String?
        public var wave: Int?
        public var issuedOn: String?
        public var payableUntil: String?
        public var status: String?
        public var payableAsWritten: Bool
    }

    public struct VirtualAccount: Codable, Sendable, Equatable {
        public var number: String
        public var issuedOn: String
    }

    public struct Completion: Codable, Sendable, Equatable {
        public var completedOn: String?
        public var qualifies: Bool
        /// What keeps it from counting: date, certificate, rating or review.
        public var missing: String?
    }

    public struct Training: Codable, Sendable, Equatable {
        /// The first qualifying day incentives and surveys count from, if any.
        public var countedFrom: String?
        /// The day the night kept (it only moves earlier).
        public var keptByNight: String?
        public var completions: [Completion]
    }

    public struct Account: Codable, Sendable, Equatable {
        public var provider: String?
        public var kind: String?
        public var upgraded: Bool?
        public var status: String?
        public var number: String?
        public var linkedOn: String?
    }

    public enum State: String, Codable, Sendable, CaseIterable {
        case paid = "paid"
        case inFlight = "in_flight"
        case held = "held"
        case expired = "expired"
        case awaitingRetry = "awaiting_retry"
        /// Due, but no night has decided it yet (the registry changed since the last night).
        case due = "due"
        /// Past the decree's payable_until: the next night records it expired.
        case expiring = "expiring"
        case notYetDue = "not_yet_due"
    }

    public struct Entitlement: Codable, Sendable, Equatable {
        public var kind: String
        public var number: Int
        public var amount: Int64?
        public var dueOn: String?
        public var state: State
        public var reason: String?
        public var heldSince: String?
        public var expiredOn: String?
        public var channel: String?
        public var attempt: Int?
        public var payoutStatus: String?
        public var sentOn: String?
        public var paidOn: String?
        public var failureCode: String?
        public var nextAttempt: Int?
        /// Filled when rendered (`localized`), in the statement's language: the state in words,
        /// and for a hold what the participant can do.
        public var text: String?
        public var advice: String?
    }

    public var registrantId: Int64
    public var idKind: String
    public var idMasked: String?
    /// The business date of the latest night, if any ran.
    public var asOfNight: String?
    public var today: String
    public var person: Person?
    public var memberships: [Membership]
    public var decree: Decree?
    public var va: VirtualAccount?
    public var training: Training
    public var account: Account?
    public var entitlements: [Entitlement]
    /// The language `text` and `advice` are in, once rendered.
    public var language: String?
}
