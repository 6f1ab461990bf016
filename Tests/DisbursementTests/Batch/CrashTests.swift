import Foundation
import Testing

@testable import Disbursement

/// The crash matrix: the real executable is killed with SIGKILL at each checkpoint of a night,
/// or the database server is stopped under it; the next run must finish the night with
/// nothing lost, nothing issued or paid twice, and every file vouched for by the manifest.
@Suite("crash safety")
struct CrashTests {
    /// In the order a night passes them. The batch is committed from "after-commit" on.
    static let checkpoints = [
        "members", "virtual accounts: copying", "virtual accounts", "entitlements", "payouts written",
        "holds and payouts", "before-commit", "after-commit",
        // Files are written per channel in name order: BNI before VA, CSV before XML.
        "partial:BNI-001.csv", "file:BNI-001.csv", "partial:VA-001.xml", "file:VA-001.xml", "manifest",
    ]
    static let uncommitted = Set(checkpoints.prefix(while: { $0 != "after-commit" }))

    static func populate(_ env: TestEnvironment) throws {
        try env.registry.decree("SK-1")
        for id in Int64(1)...40 { try env.registry.payableParticipant(id) }
        try env.registry.registrant(41, nik: "12")
        try env.registry.member(41)
    }

    static func expectedSummary() throws -> RunSummary {
        let reference = try TestEnvironment()
        try populate(reference)
        return try reference.run("2020-06-01").summary
    }

    @Test(arguments: checkpoints)
    func aNightKilledAtAnyPointIsCompletedByTheNextRun(_ checkpoint: String) throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        let expected = try Self.expectedSummary()

        let killed = try env.cli("run", "--date", "2020-06-01", fault: checkpoint)
        #expect(killed.killedBySignal, "the run was not killed at \(checkpoint): \(killed.stderr)")
        let committed = !Self.uncommitted.contains(checkpoint)
        #expect(try env.count("SELECT count(*) FROM disbursement.batches") == (committed ? 1 : 0))
        // Before the commit nothing of the batch is there; after it, all of it.
        #expect(try env.count("SELECT count(*) FROM disbursement.virtual_accounts") == (committed ? 41 : 0))
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == (committed ? 120 : 0))

        let again = try env.cli("run", "--date", "2020-06-01", "--format", "json")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try RunSummary.fromJSON(again.stdout) == expected)
        try Invariants.check(env)
    }

    @Test func aSecondRunWhileTheFirstIsKilledNeverPaysTwice() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        _ = try env.cli("run", "--date", "2020-06-01", fault: "after-commit")
        let second = try env.cli("run", "--date", "2020-06-02")
        #expect(second.status == 0, "\(second.stderr)")
        try Invariants.check(env)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 120)
    }

    /// The server goes away (immediate shutdown: no checkpoint, crash recovery on start) once
    /// in the middle of the transaction and once while the committed batch's files are written.
    @Test(arguments: ["entitlements", "file:BNI-001.csv"])
    func theServerStoppedMidRunLosesNothing(_ checkpoint: String) throws {
        let cluster = try DedicatedCluster()
        let env = try TestEnvironment(server: cluster.serverConninfo)
        try Self.populate(env)
        let expected = try Self.expectedSummary()

        let run = try env.start("run", "--date", "2020-06-01", pauseAt: checkpoint)
        try run.waitForPause()
        try cluster.crash()
        let cut = run.finish()
        #expect(cut.status != 0 && !cut.killedBySignal, "the run should fail cleanly without its server: \(cut.stderr)")
        #expect(cut.stderr.contains("disburse:"), "no sentence for the operator: \(cut.stderr)")

        try cluster.start()
        let again = try env.cli("run", "--date", "2020-06-01", "--format", "json")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try RunSummary.fromJSON(again.stdout) == expected)
        try env.reconnect()
        try Invariants.check(env)
        withExtendedLifetime(cluster) {}
    }
}

/// What must hold after anything: no number twice, no entitlement in two live payouts, no paid
/// entitlement paid again, every file of every batch vouched for by the manifest chain, and a
/// zero control total on every row of the summary report.
enum Invariants {
    static func check(_ env: TestEnvironment) throws {
        #expect(try env.count("SELECT count(*) - count(DISTINCT va) FROM disbursement.virtual_accounts") == 0)
        #expect(try env.count("SELECT count(*) - count(DISTINCT sequence_no::text || prefix) FROM disbursement.virtual_accounts") == 0)
        #expect(try env.count(
            """
            SELECT count(*) FROM (SELECT 1 FROM disbursement.payouts WHERE status IN ('ISSUED', 'PENDING', 'PAID')
                                   GROUP BY registrant_id, kind, number HAVING count(*) > 1) x
            """) == 0)
        #expect(try env.count(
            """
            SELECT count(*) FROM disbursement.payouts p
             WHERE EXISTS (SELECT 1 FROM disbursement.payouts q WHERE q.registrant_id = p.registrant_id
                             AND q.kind = p.kind AND q.number = p.number AND q.attempt > p.attempt AND p.status = 'PAID')
            """) == 0)
        let dates = try env.connection.query("SELECT business_date::text FROM disbursement.batches ORDER BY 1")
            .map { try $0.decode(0, as: String.self) }
        for date in dates {
            let folder = env.output.appending(path: date).path
            let verified = try env.cli("verify", folder)
            #expect(verified.status == 0, "\(date): \(verified.stdout) \(verified.stderr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
            let vouched = Set(manifest.files.map(\.name))
            #expect(Set(names) == vouched.union(["manifest.json"]), "\(date): files the manifest does not vouch for")
        }
        let summary = try env.cli("report", "summary", "--format", "csv")
        #expect(summary.status == 0, "\(summary.stderr)")
        let controls = summary.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last }
        #expect(controls.allSatisfy { $0 == "0" }, "control totals: \(controls)")
    }
}
