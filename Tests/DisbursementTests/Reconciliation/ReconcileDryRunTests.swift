import Foundation
import Logging
import Testing

@testable import Disbursement

/// `reconcile --dry-run a b …` must say exactly what `reconcile a b …` then does: file b is
/// judged after file a's effects, a file named twice is "imported before" the second time, a
/// refused file leaves the others alone, and the unanswered count sees every file. And it must
/// leave the database as it found it (attack finding 5).
@Suite("reconcile dry run of several files")
struct ReconcileDryRunTests {
    let recon = ReconcilerTests()

    /// Every row reconciliation writes or reads besides the run log.
    static func reconciliationSnapshot(_ env: TestEnvironment) throws -> String {
        let tables = ["payouts", "holds", "status_files", "status_lines", "recon_exceptions", "unanswered_checked", "payout_totals"]
        let parts = tables.map { "(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.\($0) t)" }
        return try env.connection.queryOne("SELECT md5(concat_ws('|', \(parts.joined(separator: ", "))))").decode(0, as: String.self)
    }

    func write(_ env: TestEnvironment, _ name: String, _ text: String) throws -> String {
        let url = env.output.appending(path: name)
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The files of the attack and the lines that depend on the ones before: b contradicts a,
    /// a comes again, a malformed file sits between them, and a pain.002 group status covers
    /// the BNI payouts that have no status of their own in it.
    @Test func theDryRunPrintsWhatTheRealCallThenDoesAndChangesNothing() throws {
        let env = try ReconcilerTests.night()
        let a = try recon.statusFile(env, "a.csv", ["PK-1-I1-1,PAID,600000,,,", "PK-2-I1-1,PENDING,600000,,,", "PK-3-I1-1,FAILED,600000,AM04,,"])
        let bad = try recon.statusFile(env, "bad.csv", ["PK-1-T1-1,PAID,600000,,,", "PK-2-T1-1,BOGUS,1,,,"])
        let b = try recon.statusFile(env, "b.csv", [
            "PK-1-I1-1,FAILED,600000,AC04,,",  // a conflict after a's PAID, a plain failure without it
            "PK-2-I1-1,PAID,600000,,,",
            "PK-3-I1-1,PAID,600000,,,",  // PAID after a's FAILED
            "PK-1-T1-1,PAID,1000000,,,",
        ])
        let c = try write(env, "c.xml", StatusReaderTests.pain002("""
            <TxInfAndSts><OrgnlEndToEndId>PK-1-T1-1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
            """).replacingOccurrences(of: "</OrgnlMsgNmId>", with: "</OrgnlMsgNmId><GrpSts>ACTC</GrpSts>"))
        let files = [a, bad, b, a, c]
        let arguments = ["reconcile", "--as-of", "2020-07-01", "--output", "json"] + files

        let before = try Self.reconciliationSnapshot(env)
        let coreBefore = try env.snapshot()
        let dry = try CLI.run(arguments + ["--dry-run"], environment: env.cliEnvironment)
        #expect(try Self.reconciliationSnapshot(env) == before)
        #expect(try env.snapshot() == coreBefore)
        let dryTable = try CLI.run(Array(arguments.prefix(3)) + files + ["--dry-run"], environment: env.cliEnvironment)
        #expect(try Self.reconciliationSnapshot(env) == before)

        let real = try CLI.run(arguments, environment: env.cliEnvironment)
        #expect(real.status == 65, "\(real.stderr)")
        #expect(dry.status == real.status)
        #expect(dry.stdout == real.stdout)
        #expect(dry.stderr == real.stderr)
        #expect(dryTable.stdout.hasPrefix("DRY RUN"))
        let outcome = try JSONDecoder().decode(Reconciler.Outcome.self, from: Data(real.stdout.utf8))
        #expect(outcome.files.map(\.file) == ["a.csv", "b.csv", "a.csv", "c.xml"])
        #expect(outcome.files[1].exceptions == ["STATUS_CONFLICT": 2])
        #expect(outcome.files[2].alreadyImported)
        #expect(outcome.refused.map(\.file) == ["bad.csv"])
        #expect(try recon.status(env, "PK-1-I1-1") == "PAID")
    }

    /// Search: seeded random sequences of small files (any status for any payout, a file named
    /// again, a malformed one) run as a dry run and then for real on the same database, round
    /// after round so the payouts pass through every state; after each, the dry run's outcome
    /// equals the real one's and the dry run changed nothing.
    @Test(arguments: [UInt64(20)])
    func aDryRunOfAnySequenceEqualsTheRealCall(seed: UInt64) throws {
        let env = try ReconcilerTests.night()
        var random = SplitMix64(seed: seed)
        let payouts = ["1", "2", "3"].flatMap { id in [("PK-\(id)-T1-1", 1_000_000), ("PK-\(id)-I1-1", 600_000), ("PK-\(id)-I2-1", 600_000)] }
        let statuses = ["PAID", "FAILED", "RETURNED", "PENDING", "paid"]
        var written: [String] = []
        for round in 0..<6 {
            var files: [String] = []
            for index in 0..<(2 + random.below(3)) {
                if !written.isEmpty, random.chance(0.2) {
                    files.append(written[random.below(written.count)])
                    continue
                }
                var rows: [String] = []
                for _ in 0..<(1 + random.below(5)) {
                    let (reference, amount) = payouts[random.below(payouts.count)]
                    let status = statuses[random.below(statuses.count)]
                    rows.append("\(reference),\(status),\(amount),\(status.uppercased() == "FAILED" ? "AM04" : ""),,")
                }
                if random.chance(0.15) { rows.append("PK-1-T1-1,NOT-A-STATUS,1,,,") }
                let path = try recon.statusFile(env, "r\(round)-\(index).csv", rows)
                written.append(path)
                files.append(path)
            }
            let asOf = "2020-06-\(10 + round * 3)"
            let before = try Self.reconciliationSnapshot(env)
            let dry = try recon.reconcile(env, files, dryRun: true, asOf: asOf)
            #expect(try Self.reconciliationSnapshot(env) == before, "round \(round): the dry run changed the database")
            let real = try recon.reconcile(env, files, asOf: asOf)
            #expect(dry == real, "round \(round): \(files.map { URL(fileURLWithPath: $0).lastPathComponent })")
            #expect(Reconciler.render(dry, format: .table, dryRun: false) == Reconciler.render(real, format: .table, dryRun: false))
        }
    }
}
