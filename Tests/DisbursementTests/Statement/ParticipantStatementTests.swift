import Foundation
import Logging
import Testing

@testable import Disbursement

@Suite("participant statement")
struct ParticipantStatementTests {
    /// The night calls the shared rules of migration 0040; the planner must write them out
    /// (inline them), or the night would pay a function call per registry row.
    @Test func theSharedRulesAreInlinedIntoTheNightsPlan() throws {
        let env = try TestEnvironment()
        let plan = try env.connection.query(
            """
            EXPLAIN (VERBOSE) SELECT \(EligibilitySQL.jakartaDay("c.completed_at")) FROM registry.training_completions c
             WHERE disbursement.completion_qualifies(c.certificate_no, c.rating, c.review, c.completed_at)
            """, []
        ).map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
        #expect(!plan.contains("completion_qualifies") && !plan.contains("jakarta_day"), "\(plan)")
        #expect(plan.contains("btrim") && plan.contains("Asia/Jakarta"), "\(plan)")
    }

    @Test func everyHoldReasonHasAdviceInBothLanguages() {
        for reason in HoldReason.allCases {
            let indonesian = HoldAdvice.sentence(reason.rawValue, .id)
            let english = HoldAdvice.sentence(reason.rawValue, .en)
            #expect(!indonesian.contains("code") && !english.contains("(code "), "\(reason)")
            #expect(indonesian != english && english.hasSuffix("."), "\(reason)")
        }
        #expect(HoldAdvice.sentence("SOMETHING_NEW", .en).contains("SOMETHING_NEW"))
        #expect(HoldAdvice.sentence("PHONE_MISMATCH", .en).contains("must be the one you registered"))
        #expect(HoldAdvice.sentence("ACCOUNT_NOT_UPGRADED", .en).contains("upgraded e-wallet in your own name"))
    }

    /// A participant with one entitlement in each state, through the CLI in both languages and
    /// as JSON; nothing identifying is printed whole.
    @Test func theStatementShowsEachStateInBothLanguages() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.registrant(7)
        try env.registry.member(7)
        try env.registry.completion(7, on: "2020-05-01")
        try env.registry.survey(7, number: 1, on: "2020-05-20")
        try env.registry.survey(7, number: 2, on: "2020-05-21")
        try env.registry.account(7, provider: "OVO", kind: "ewallet", upgraded: false)
        try env.registry.completion(7, on: "2020-04-20", certificate: nil)
        try env.run("2020-06-01")
        // The training credit is paid, the incentive held (e-wallet not upgraded).
        try env.connection.execute("UPDATE disbursement.payouts SET status = 'PAID', status_at = '2020-06-02 10:00+07' WHERE kind = 'TRAINING'")
        let en = try env.cli("participant", "7", "--lang", "en")
        #expect(en.status == 0, "\(en.stderr)")
        for expected in [
            "Participant 7", "As of the night of 2020-06-01", "paid on 2020-06-02 via VA", "held since 2020-06-01: ACCOUNT_NOT_UPGRADED",
            "due; the next night pays or holds it", "Incentive 4", "Rp600,000", "link an upgraded e-wallet in your own name", "OVO e-wallet, not upgraded",
            "counts from 2020-05-01",
        ] {
            #expect(en.stdout.contains(expected), "\(expected) not in\n\(en.stdout)")
        }
        let id = try env.cli("participant", Registry.nik(7))
        #expect(id.status == 0 && id.stdout.contains("Peserta 7") && id.stdout.contains("Rp600.000"), "\(id.stdout)")
        #expect(id.stdout.contains("ditahan sejak") && id.stdout.contains("Upgrade e-wallet"), "\(id.stdout)")
        let va = try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts WHERE registrant_id = 7").decode(0, as: String.self)
        let json = try env.cli("participant", va, "--format", "json", "--lang", "en")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["registrant_id"] as? Int == 7 && object?["id_kind"] as? String == "va")
        let lines = object?["entitlements"] as? [[String: Any]] ?? []
        #expect(lines.contains { $0["state"] as? String == "held" && ($0["advice"] as? String)?.isEmpty == false })
        for output in [en.stdout, id.stdout, json.stdout] {
            for whole in [Registry.nik(7), Registry.phone(7), va] {
                #expect(!output.contains(whole), "\(whole) printed whole")
            }
        }
    }

    /// In flight, failed and awaiting its next attempt, then expired after the decree's last day.
    @Test func theStatementFollowsAPayoutFromSentToFailedToExpired() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-2", payableUntil: "2020-06-05")
        try env.registry.payableParticipant(8, decree: "SK-2")
        try env.run("2020-06-01")
        let file = env.output.appending(path: "status.csv")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\nPK-8-I1-1,FAILED,600000,AM04,insufficient,\n".utf8)
            .write(to: file)
        var logger = Logger(label: "statement")
        logger.logLevel = .critical
        _ = try Reconciler(settings: env.settings, logger: logger).reconcile(
            try env.database.connect(), files: [file.path], format: nil, dryRun: false, asOf: BusinessDate("2020-06-02") ?? .today,
            arguments: [])
        let sent = try env.cli("participant", "8", "--lang", "en")
        #expect(sent.stdout.contains("sent on 2020-06-01 via VA, awaiting the channel"), "\(sent.stdout)")
        #expect(sent.stdout.contains("attempt 1 failed (AM04); attempt 2 at the next night"), "\(sent.stdout)")
        #expect(sent.stdout.contains("payable until 2020-06-05"), "\(sent.stdout)")
        try env.run("2020-06-10")
        let statement = try StatementLookup.statement("8", env.connection)
        let incentive = statement.entitlements.first { $0.kind == "INCENTIVE" && $0.number == 1 }
        #expect(incentive?.state == .expired && incentive?.expiredOn == "2020-06-10")
        #expect(statement.entitlements.first { $0.kind == "TRAINING" }?.state == .inFlight)
        let expired = try env.cli("participant", "8")
        #expect(expired.stdout.contains("kedaluwarsa 2020-06-10"), "\(expired.stdout)")
    }

    /// Registry values no night would pay on (an interval of two billion days, times at the end
    /// of the timestamptz range, a name of a million characters) never stop the statement.
    @Test func aDirtyRowNeverStopsTheStatement() throws {
        let env = try TestEnvironment()
        try env.connection.execute("INSERT INTO registry.decrees VALUES ('SK-9', 1, '2020-04-01', 1000000, 600000, 120, 2147483647, 50000, 3, NULL)")
        try env.registry.registrant(9, name: String(repeating: "Siti ", count: 200_000))
        try env.registry.member(9, decree: "SK-9")
        try env.registry.completion(9, on: "2020-05-01")
        try env.registry.account(9, linkedAt: "294276-12-31 00:00+00")
        try env.connection.execute("UPDATE registry.decree_members SET changed_at = '294276-12-31 00:00+00'")
        try env.connection.execute("UPDATE registry.training_completions SET completed_at = '294276-12-31 00:00+00'")
        try env.registry.completion(9, on: "2020-05-02")
        let statement = try StatementLookup.statement("9", env.connection)
        #expect(statement.entitlements.filter { $0.kind == "INCENTIVE" }.count == 120)
        #expect(statement.account?.linkedOn == nil && statement.memberships.first?.changedOn == nil)
        #expect(statement.training.countedFrom == "2020-05-02")
        #expect((statement.person?.name?.count ?? 0) <= 200)
        let table = try env.cli("participant", "9")
        #expect(table.status == 0, "\(table.stderr)")
    }

    @Test func anIdThatNamesNobodySaysSo() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let nik = try env.cli("participant", "3171 0000 0000 9999")
        #expect(nik.status == ExitStatus.dataError.rawValue && nik.stderr.contains("No participant has the NIK") && nik.stderr.contains("9999"))
        let registrant = try env.cli("participant", "424242")
        #expect(registrant.status == ExitStatus.dataError.rawValue && registrant.stderr.contains("registrant id"))
        let pattern = try env.cli("participant", "31%")
        #expect(pattern.status == ExitStatus.usage.rawValue, "\(pattern.stderr)")
        // Registered and approved but no night yet: the training credit waits for the VA.
        let waiting = try env.cli("participant", "1", "--lang", "en")
        #expect(waiting.status == 0 && waiting.stdout.contains("No night has run yet") && waiting.stdout.contains("due when the VA is issued"),
                "\(waiting.stdout)")
    }
}
