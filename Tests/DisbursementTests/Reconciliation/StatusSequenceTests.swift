import Foundation
import Logging
import Testing

@testable import Disbursement

/// Searches SPEC §7's state machine: every ordered pair and triple of PAID, FAILED, RETURNED
/// and PENDING for one payout, for attempt 1 and for attempt 2 (attempt 1 having failed, its
/// lines sometimes aimed at attempt 1 again), across files and within one file with seeded
/// settled_at orders, run through reconciliations, nights and finally `resolve`. After every
/// step `StatusModel` (SPEC §7 in Swift) says what each entitlement must look like, and the
/// invariants are checked: statuses only move forward, never two attempts paid without a
/// DOUBLE_PAYMENT exception, every open conflict held and nothing else held for it, no new
/// attempt while a conflict is open, kept totals equal counted ones.
///
/// One seed (320 cases) runs in `./scripts/test`; `fuzz/status-sequences N` runs N seeds.
@Suite("status sequences")
struct StatusSequenceTests {
    typealias Status = StatusModel.Status

    struct Line {
        let attempt: Int  // 0-based
        let status: Status
        let step: Int
        /// Minutes after 10:00 Jakarta on the settlement day, nil for no settled_at.
        let minute: Int?
        let inUTC: Bool
        let index: Int

        func csv(_ registrant: Int64) -> String {
            let settled = minute.map { minute in
                inUTC ? String(format: "2020-06-02T03:%02d:00Z", minute) : String(format: "2020-06-02T10:%02d:00+07:00", minute)
            } ?? ""
            return "PK-\(registrant)-I1-\(attempt + 1),\(status.rawValue),600000,XX9\(index),line \(index),\(settled)"
        }
    }

    struct Case: CustomStringConvertible {
        let registrant: Int64
        let sequence: [Status]
        let secondAttempt: Bool
        let oneFile: Bool
        var lines: [Line] = []
        var model: StatusModel

        var description: String {
            "registrant \(registrant): " + lines.map { "\($0.status.rawValue)@\($0.attempt + 1) step \($0.step) min \($0.minute.map(String.init) ?? "-")\($0.inUTC ? "Z" : "")" }
                .joined(separator: ", ")
        }
    }

    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["DISBURSE_STATUS_SEEDS"] ?? "") ?? 1
        let first = UInt64(environment["DISBURSE_STATUS_FIRST_SEED"] ?? "") ?? 13
        return (0..<max(count, 1)).map { first + UInt64($0) }
    }

    @Test func everyPairAndTripleOfStatusesKeepsTheInvariants() throws {
        for seed in Self.seeds {
            try run(seed: seed)
        }
    }

    static func cases(_ random: inout StatusModel.Random, attemptLimit: Int) -> [Case] {
        let statuses: [Status] = [.paid, .failed, .returned, .pending]
        let pairs = statuses.flatMap { a in statuses.map { [a, $0] } }
        let triples = pairs.flatMap { pair in statuses.map { pair + [$0] } }
        var cases: [Case] = []
        for sequence in pairs + triples {
            for secondAttempt in [false, true] {
                for oneFile in [false, true] {
                    var item = Case(
                        registrant: Int64(cases.count + 1), sequence: sequence, secondAttempt: secondAttempt, oneFile: oneFile,
                        model: StatusModel(attemptLimit: attemptLimit))
                    // One file: settled_at rising with the file, shuffled, absent, or all equal.
                    let mode = Int.random(in: 0..<4, using: &random)
                    let shuffled = Array(0..<sequence.count).shuffled(using: &random)
                    for (index, status) in sequence.enumerated() {
                        let attempt = secondAttempt && Int.random(in: 0..<3, using: &random) > 0 ? 1 : 0
                        let minute: Int?
                        switch oneFile ? mode : (mode < 2 ? 0 : 2) {
                        case 0: minute = index
                        case 1: minute = shuffled[index]
                        case 2: minute = nil
                        default: minute = 5
                        }
                        item.lines.append(Line(
                            attempt: attempt, status: status, step: oneFile ? 1 : index + 1, minute: minute,
                            inUTC: Bool.random(using: &random), index: index))
                    }
                    cases.append(item)
                }
            }
        }
        return cases
    }

    func run(seed: UInt64) throws {
        var random = StatusModel.Random(seed: seed)
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        var cases = Self.cases(&random, attemptLimit: env.settings.attemptLimit)
        for item in cases { try env.registry.payableParticipant(item.registrant) }
        var day = 1
        func night() throws {
            let attemptsBefore = try statuses(env)
            try env.run(String(format: "2020-06-%02d", day))
            day += 1
            // Independent of the night's own rules: a new attempt only for an entitlement whose
            // participant keeps no payment of it.
            let attemptsAfter = try statuses(env)
            let paidAgain = cases.filter {
                (attemptsAfter[$0.registrant]?.count ?? 0) > (attemptsBefore[$0.registrant]?.count ?? 0) && $0.model.moneyKept > 0
            }
            #expect(paidAgain.isEmpty, "seed \(seed): a new attempt while a payment is kept: \(paidAgain.prefix(3))")
            for index in cases.indices { cases[index].model.night() }
            try check(env, cases, seed: seed, afterNight: true)
        }
        try night()

        // Attempt 2 exists before the sequence starts: attempt 1 failed, a night issued it.
        try reconcile(env, "prep.csv", cases.filter(\.secondAttempt).map { "PK-\($0.registrant)-I1-1,FAILED,600000,AM04,prep," })
        for index in cases.indices where cases[index].secondAttempt { cases[index].model.say(.failed, attempt: 0) }
        try night()

        for step in 1...3 {
            var rows: [String] = []
            for index in cases.indices {
                let lines = cases[index].lines.filter { $0.step == step }
                rows += lines.map { $0.csv(cases[index].registrant) }
                // The order they take effect: settled_at (absent last), then file order.
                for line in lines.sorted(by: { ($0.minute ?? Int.max, $0.index) < ($1.minute ?? Int.max, $1.index) }) {
                    cases[index].model.say(line.status, attempt: line.attempt, at: line.minute)
                }
            }
            if !rows.isEmpty {
                let before = try statuses(env)
                try reconcile(env, "step-\(step).csv", rows)
                try checkForward(env, before: before, seed: seed)
                try check(env, cases, seed: seed, afterNight: false)
            }
            if Int.random(in: 0..<3, using: &random) > 0 { try night() }
        }
        try night()

        // Finance settles every open payout with a random status; the model says which it may
        // not (PAID while another attempt is live; a double payment no other attempt still
        // carries settled unpaid), and those must be refused and settled the other way.
        let connection = try env.database.connect()
        for index in cases.indices {
            for attempt in cases[index].model.attempts.indices where cases[index].model.attempts[attempt].openExceptions > 0 {
                var status = [Status.paid, .failed, .returned][Int.random(in: 0..<3, using: &random)]
                let reference = "PK-\(cases[index].registrant)-I1-\(attempt + 1)"
                if !cases[index].model.mayResolve(attempt, as: status) {
                    #expect(throws: UsageError.self, "seed \(seed) \(cases[index]) \(status) @\(attempt + 1)") {
                        try Resolver().resolve(
                            connection, endToEndId: reference, status: PayoutStatus(rawValue: status.rawValue)!, reason: "seeded",
                            arguments: [])
                    }
                    status = status == .paid ? .returned : .paid
                }
                _ = try Resolver().resolve(
                    connection, endToEndId: reference, status: PayoutStatus(rawValue: status.rawValue)!, reason: "seeded", arguments: [])
                cases[index].model.resolve(attempt, as: status)
            }
        }
        #expect(try PayoutTotals.drift(env.connection) == 0)
        try check(env, cases, seed: seed, afterNight: false)
        try night()
        try night()
    }

    func reconcile(_ env: TestEnvironment, _ name: String, _ rows: [String]) throws {
        let url = env.output.appending(path: name)
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data((["end_to_end_id,status,amount,reason_code,reason_text,settled_at"] + rows).joined(separator: "\n").utf8).write(to: url)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        _ = try Reconciler(settings: env.settings, logger: logger).reconcile(
            try env.database.connect(), files: [url.path], format: .csv, dryRun: false, asOf: BusinessDate("2020-06-10")!,
            arguments: [])
        #expect(try PayoutTotals.drift(env.connection) == 0)
    }

    /// Status of every INCENTIVE 1 attempt, by registrant and attempt (0-based).
    func statuses(_ env: TestEnvironment) throws -> [Int64: [String]] {
        var result: [Int64: [String]] = [:]
        for row in try env.connection.query(
            "SELECT registrant_id, status FROM disbursement.payouts WHERE kind = 'INCENTIVE' AND number = 1 ORDER BY registrant_id, attempt")
        {
            result[try row.decode(0, as: Int64.self), default: []].append(try row.decode(1, as: String.self))
        }
        return result
    }

    func registrants(_ env: TestEnvironment, _ sql: String) throws -> Set<Int64> {
        Set(try env.connection.query(sql).map { try $0.decode(0, as: Int64.self) })
    }

    /// Independent of the model: no payout moved backwards or out of a final status.
    func checkForward(_ env: TestEnvironment, before: [Int64: [String]], seed: UInt64) throws {
        var wrong: [String] = []
        for (registrant, now) in try statuses(env) {
            for (attempt, status) in now.enumerated() {
                guard let old = before[registrant].flatMap({ attempt < $0.count ? $0[attempt] : nil }),
                      let from = Status(rawValue: old), let to = Status(rawValue: status) else { continue }
                if from != to && !(StatusModel.forward[from] ?? []).contains(to) {
                    wrong.append("registrant \(registrant) attempt \(attempt + 1): \(old) → \(status)")
                }
            }
        }
        #expect(wrong.isEmpty, "seed \(seed): \(wrong.prefix(5))")
    }

    func check(_ env: TestEnvironment, _ cases: [Case], seed: UInt64, afterNight: Bool) throws {
        let database = try statuses(env)
        let open = try registrants(env, """
            SELECT DISTINCT registrant_id FROM disbursement.recon_exceptions
             WHERE kind IN ('STATUS_CONFLICT', 'DOUBLE_PAYMENT') AND resolution_id IS NULL
               AND end_to_end_id LIKE 'PK-%-I1-%'
            """)
        let doubled = try registrants(env, """
            SELECT DISTINCT registrant_id FROM disbursement.recon_exceptions
             WHERE kind = 'DOUBLE_PAYMENT' AND end_to_end_id LIKE 'PK-%-I1-%'
            """)
        let held = try registrants(env, """
            SELECT registrant_id FROM disbursement.holds
             WHERE released_on IS NULL AND reason = 'STATUS_CONFLICT' AND kind = 'INCENTIVE' AND number = 1
            """)
        var wrong: [String] = []
        for item in cases {
            let expected = item.model.attempts.map(\.status.rawValue)
            let actual = database[item.registrant] ?? []
            if actual != expected { wrong.append("\(item): payouts \(actual), model \(expected)") }
            if item.model.moneyOut >= 2 && !doubled.contains(item.registrant) {
                wrong.append("\(item): \(item.model.moneyOut) attempts paid and no DOUBLE_PAYMENT")
            }
            if !item.model.open && item.model.moneyKept > 1 {
                wrong.append("\(item): nothing open and the participant keeps \(item.model.moneyKept) payments")
            }
            if item.model.open != open.contains(item.registrant) {
                wrong.append("\(item): open exceptions \(open.contains(item.registrant)), model \(item.model.open)")
            }
            if afterNight && held.contains(item.registrant) != item.model.open {
                wrong.append("\(item): held STATUS_CONFLICT \(held.contains(item.registrant)), open \(item.model.open)")
            }
        }
        #expect(wrong.isEmpty, "seed \(seed), \(wrong.count) cases wrong: \(wrong.prefix(5).joined(separator: "\n"))")
    }
}
