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
        "registry counted", "members", "virtual accounts: copying", "virtual accounts", "entitlements", "payouts written",
        "holds and payouts", "what the next night needs", "proof per decree", "before-commit", "after-commit",
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
