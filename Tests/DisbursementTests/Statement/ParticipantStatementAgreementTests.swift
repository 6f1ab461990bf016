import Foundation
import Testing

@testable import Disbursement

/// Issue 19: for every participant of a generated registry (dirty rows included), after each of
/// two nights with a status file between them, the statement agrees with what the nights
/// recorded. The expected states are read here straight from payouts, holds and expired, in the
/// order of the proof per decree (expired, held, paid or in flight, awaiting retry), not through
/// the statement's SQL; and everything the statement has not seen recorded must be due after the
/// night (the night decides all that is due), and must be recorded by the night that passes
/// its due date.
@Suite("participant statement agrees with the nights")
struct ParticipantStatementAgreementTests {
    struct Key: Hashable, CustomStringConvertible {
        let registrant: Int64, kind: String, number: Int
        var description: String { "\(registrant)/\(kind)\(number)" }
    }

    struct Expected {
        var state: ParticipantStatement.State
        var amount: Int64
        var reason: String?
        var since: String?
        var channel: String?
        var nextAttempt: Int?
    }

    @Test func everyParticipantsStatementAgreesWithTheNightsRecords() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 2_000, seed: 19)
        var random = SplitMix64(seed: 19)
        var promised: [Key: String] = [:]
        for night in ["2020-06-01", "2020-07-15", "2020-09-01"] {
            try env.run(night)
            let recorded = try Self.recorded(env.connection)
            for id in try Self.people(env.connection) {
                let statement = try StatementLookup.statement(String(id), env.connection)
                #expect(statement.registrantId == id)
                #expect(statement.asOfNight == night)
                var seen = Set<Key>()
                for line in statement.entitlements {
                    let key = Key(registrant: id, kind: line.kind, number: line.number)
                    #expect(seen.insert(key).inserted, "\(key) listed twice")
                    if let expected = recorded[key] {
                        #expect(line.state == expected.state, "\(night) \(key): \(line.state) but recorded \(expected.state)")
                        #expect(line.amount == expected.amount, "\(night) \(key): amount")
                        switch expected.state {
                        case .held:
                            #expect(line.reason == expected.reason && line.heldSince == expected.since, "\(night) \(key): hold")
                        case .expired:
                            #expect(line.expiredOn == expected.since, "\(night) \(key): expiry")
                        case .paid, .inFlight:
                            #expect(line.channel == expected.channel, "\(night) \(key): channel")
                        case .awaitingRetry:
                            #expect(line.nextAttempt == expected.nextAttempt, "\(night) \(key): next attempt")
                        default: break
                        }
                    } else {
                        // Nothing recorded: the night had nothing due for it.
                        #expect([.notYetDue, .due, .expiring].contains(line.state), "\(night) \(key): \(line.state) unrecorded")
                        if let due = line.dueOn {
                            #expect(due > night, "\(night) \(key): due \(due) but the night decided nothing for it")
                            promised[key] = due
                        }
                    }
                }
                for key in recorded.keys where key.registrant == id {
                    #expect(seen.contains(key), "\(night) \(key): recorded \(recorded[key]?.state.rawValue ?? "") but not in the statement")
                }
            }
            // What an earlier statement said falls due later is decided by the night that passes that day.
            for (key, due) in promised where due <= night {
                #expect(recorded[key] != nil, "\(night) \(key): due \(due) by an earlier statement, not decided by this night")
                promised[key] = nil
            }
            // Most paid, some failed or returned (a permanent reason among them), some unanswered.
            try DirtyRegistrySearchTests.answer(env, night: night, &random)
        }
    }

    /// Every decree member, everyone with a VA, and some registrants the night never saw.
    static func people(_ connection: Connection) throws -> [Int64] {
        try connection.query(
            """
            SELECT registrant_id FROM registry.decree_members UNION SELECT registrant_id FROM disbursement.virtual_accounts
            UNION (SELECT registrant_id FROM registry.registrants ORDER BY registrant_id DESC LIMIT 40)
            ORDER BY 1
            """
        ).map { try $0.decode(0, as: Int64.self) }
    }

    /// The state of every entitlement the nights recorded, read plainly from the tables.
    static func recorded(_ connection: Connection) throws -> [Key: Expected] {
        var result: [Key: Expected] = [:]
        func key(_ row: Row) throws -> Key {
            Key(registrant: try row.decode(0, as: Int64.self), kind: try row.decode(1, as: String.self), number: try row.decode(2, as: Int.self))
        }
        var attempts: [Key: [(attempt: Int, status: String, channel: String, amount: Int64)]] = [:]
        for row in try connection.query("SELECT registrant_id, kind, number, attempt, status, channel, amount FROM disbursement.payouts") {
            attempts[try key(row), default: []].append(
                (try row.decode(3, as: Int.self), try row.decode(4, as: String.self), try row.decode(5, as: String.self), try row.decode(6, as: Int64.self)))
        }
        for (key, list) in attempts {
            if let live = list.first(where: { ["ISSUED", "PENDING", "PAID"].contains($0.status) }) {
                result[key] = Expected(state: live.status == "PAID" ? .paid : .inFlight, amount: live.amount, channel: live.channel)
            } else if let last = list.max(by: { $0.attempt < $1.attempt }) {
                result[key] = Expected(state: .awaitingRetry, amount: last.amount, nextAttempt: last.attempt + 1)
            }
        }
        for row in try connection.query(
            "SELECT registrant_id, kind, number, reason, held_since::text, amount FROM disbursement.holds WHERE released_on IS NULL")
        {
            result[try key(row)] = Expected(
                state: .held, amount: try row.decode(5, as: Int64.self), reason: try row.decode(3, as: String.self),
                since: try row.decode(4, as: String.self))
        }
        for row in try connection.query("SELECT registrant_id, kind, number, expired_on::text, amount FROM disbursement.expired") {
            result[try key(row)] = Expected(state: .expired, amount: try row.decode(4, as: Int64.self), since: try row.decode(3, as: String.self))
        }
        return result
    }
}
