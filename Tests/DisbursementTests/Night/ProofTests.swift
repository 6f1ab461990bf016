import Foundation
import Testing

@testable import Disbursement

/// The proof per decree (nothing vanished) and the control total against what the batch
/// recorded when it was made.
@Suite("proof per decree and control total")
struct ProofTests {
    static func world() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.decree("SK-2", issuedOn: "2020-04-15", payableUntil: "2020-05-31")
        for id in Int64(1)...3 { try env.registry.payableParticipant(id) }
        try env.registry.payableParticipant(4, decree: "SK-2")
        try env.registry.registrant(5, nik: "12")
        try env.registry.member(5)
        return env
    }

    @Test func theSummaryShowsTheProofPerDecree() throws {
        let env = try Self.world()
        try env.run("2020-06-01")
        let report = try env.cli("report", "summary", "--by", "decree", "--format", "csv")
        #expect(report.status == 0, "\(report.stderr)")
        let lines = report.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.first?.hasPrefix("business_date,decree_no,due_count,due_amount,paid_or_in_flight_count") == true)
        // SK-1: 3 × (T1, I1, I2) paid; registrant 5's training held. SK-2 is past payable_until:
        // all 5 entitlements of its member (T1, I1–I4) expire.
        #expect(lines.contains("2020-06-01,SK-1,10,7600000,9,6600000,1,1000000,0,0,0,0,0,0"), "\(lines)")
        #expect(lines.contains("2020-06-01,SK-2,5,3400000,0,0,0,0,5,3400000,0,0,0,0"), "\(lines)")
        let table = try env.cli("report", "summary")
        #expect(table.stdout.contains("Proof per decree"), "\(table.stdout)")
        try Invariants.check(env)
    }

    /// Bugs simulated by triggers: one loses every hold written, one pays a rupiah more than due.
    @Test(arguments: [
        ("holds", "BEGIN RETURN NULL; END", "in no state"),
        ("payouts", "BEGIN NEW.amount := NEW.amount + 1; RETURN NEW; END", "differs from what was due by Rp-"),
    ])
    func aNightWhoseProofFailsIsNotCommitted(_ table: String, _ body: String, _ said: String) throws {
        let env = try Self.world()
        // Both are constants of this test, never data.
        try env.connection.executeScript(
            """
            CREATE FUNCTION public.bug() RETURNS trigger LANGUAGE plpgsql AS $$ \(body) $$;
            CREATE TRIGGER bug BEFORE INSERT ON disbursement.\(table) FOR EACH ROW EXECUTE FUNCTION public.bug();
            """)
        let night = try env.cli("run", "--date", "2020-06-01")
        #expect(night.status == 1, "\(night.stderr)")
        #expect(night.stderr.contains("decree \"SK-1\"") && night.stderr.contains("not committed") && night.stderr.contains(said),
                "\(night.stderr)")
        #expect(night.stderr.split(separator: "\n").filter { $0.hasPrefix("disburse:") }.count == 1, "\(night.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.batches") == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts") == 0)
        #expect(!FileManager.default.fileExists(atPath: env.output.appending(path: "2020-06-01").path))
    }

    @Test(arguments: ["DELETE FROM disbursement.payouts WHERE end_to_end_id = 'PK-1-I1-1'",
                      "UPDATE disbursement.payouts SET amount = 1 WHERE end_to_end_id = 'PK-1-I1-1'"])
    func aPayoutChangedOutsideDisburseFailsTheControlTotal(_ tamper: String) throws {
        let env = try Self.world()
        try env.run("2020-06-01")
        try env.connection.execute(tamper)
        let report = try env.cli("report", "summary", "--recount", "--format", "csv")
        #expect(report.status == 0, "\(report.stderr)")
        let bni = report.stdout.split(separator: "\r\n").first { $0.hasPrefix("2020-06-01,BNI,INCENTIVE") }
        #expect(bni.map { !$0.hasSuffix(",0") } == true, "\(report.stdout)")
        let table = try env.cli("report", "summary")
        #expect(table.stdout.contains("CONTROL FAILED"), "\(table.stdout)")
    }

    @Test func whatABatchIssuedCannotBeChanged() throws {
        let env = try Self.world()
        try env.run("2020-06-01")
        #expect(throws: PostgresError.self) { try env.connection.execute("UPDATE disbursement.batch_issued SET amount = 0") }
        #expect(throws: PostgresError.self) { try env.connection.execute("DELETE FROM disbursement.decree_proofs") }
    }
}
