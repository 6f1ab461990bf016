import Foundation
import Testing

@testable import Disbursement

/// One job at a time, proven with real processes: rivals started while a run holds the lock
/// all exit 75 while that run is still paused (so they did not wait for it), and a crowd of
/// runs started together leaves exactly one batch and the invariants intact.
@Suite("concurrency")
struct ConcurrencyTests {
    @Test func eightRivalsAndAReconcileExit75WhileARunHoldsTheLock() throws {
        let env = try TestEnvironment()
        try CrashTests.populate(env)
        let statusFile = env.output.deletingLastPathComponent().appending(path: "status-\(UUID().uuidString).csv")
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\n".utf8).write(to: statusFile)
        defer { try? FileManager.default.removeItem(at: statusFile) }

        let holder = try env.start("run", "--date", "2020-06-01", pauseAt: "entitlements")
        try holder.waitForPause()
        let dates = ["2020-06-01", "2020-06-01", "2020-06-01", "2020-06-02", "2020-06-02", "2020-06-03", "2020-06-04", "2020-06-05"]
        var rivals = try dates.map { try env.start("run", "--date", $0) }
        rivals.append(try env.start("reconcile", statusFile.path, "--as-of", "2020-06-01"))
        let results = rivals.map { $0.finish() }
        for result in results {
            #expect(result.status == 75, "\(result.stderr)")
            #expect(result.stderr.contains("disburse run, run "), "the refusal should name the holder: \(result.stderr)")
        }

        let finished = holder.finish()
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.batches") == 1)
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE outcome = 'refused' AND exit_code = 75") == 9)
        try Invariants.check(env)
    }

    @Test func eightRunsStartedTogetherLeaveOneBatchPerDateAndNothingTwice() throws {
        let env = try TestEnvironment()
        try CrashTests.populate(env)
        let runs = try (0..<8).map { _ in try env.start("run", "--date", "2020-06-01") }
        let results = runs.map { $0.finish() }
        #expect(results.allSatisfy { $0.status == 0 || $0.status == 75 }, "\(results.map(\.stderr))")
        #expect(results.contains { $0.status == 0 })
        #expect(try env.count("SELECT count(*) FROM disbursement.batches") == 1)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 120)
        #expect(try env.count("SELECT count(*) FROM disbursement.virtual_accounts") == 41)
        try Invariants.check(env)
    }
}
