import Foundation
import Testing

@testable import Disbursement

/// `disburse collect` against a real sshd and real gpg: a status file signed by the channel is
/// imported once; one unsigned, tampered or signed by someone else is refused and never imported.
@Suite("collection over SFTP")
struct CollectTests {
    /// The night delivered, and the bank's answer for its BNI file: every payout PAID, as CSV.
    func delivered() throws -> (DeliveryFixture, Data) {
        let fixture = try DeliveryFixture(approval: "none")
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try fixture.received("BNI").count == 1)
        var answer = "end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\n"
        for row in try fixture.env.connection.query("SELECT end_to_end_id, amount FROM disbursement.payouts WHERE channel = 'BNI'") {
            answer += "\(try row.decode(0, as: String.self)),PAID,\(try row.decode(1, as: Int64.self)),,,2020-06-02T10:00:00+07:00\r\n"
        }
        return (fixture, Data(answer.utf8))
    }

    func paid(_ fixture: DeliveryFixture) throws -> Int {
        try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE channel = 'BNI' AND status = 'PAID'")
    }

    @Test func aSignedStatusFileIsImportedOnceAndKept() throws {
        let (fixture, answer) = try delivered()
        let name = "2020-06-01-BNI-status.csv.pgp"
        try fixture.keys.seal(answer, to: fixture.server.outbox("BNI").appending(path: name))
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 0, "\(collected.stdout) \(collected.stderr)")
        let bni = try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE channel = 'BNI'")
        let paidNow = try paid(fixture)
        #expect(bni > 0 && paidNow == bni, "\(collected.stdout)")
        let sealed = try Data(contentsOf: fixture.server.outbox("BNI").appending(path: name))
        let kept = fixture.env.output.path + "-collected/BNI/" + String(Digest.sha256Hex(sealed).prefix(16)) + "/"
        #expect(FileManager.default.contents(atPath: kept + name) == sealed)
        #expect(FileManager.default.contents(atPath: kept + "plain/2020-06-01-BNI-status.csv") == answer)
        let again = try fixture.cli("collect", "--as-of", "2020-06-02", "--format", "json")
        #expect(again.status == 0, "\(again.stderr)")
        let report = try JSONDecoder().decode(StatusCollection.Report.self, from: Data(again.stdout.utf8))
        #expect(report.imported.isEmpty && report.alreadyCollected == 1)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.status_files") == 1)
    }

    enum Forgery: String, CaseIterable { case unsigned, tampered, stranger }

    @Test(arguments: Forgery.allCases)
    func aStatusFileNotSignedByTheChannelIsRefused(_ forgery: Forgery) throws {
        let (fixture, answer) = try delivered()
        let file = fixture.server.outbox("BNI").appending(path: "2020-06-01-BNI-status.csv.pgp")
        switch forgery {
        case .unsigned: try fixture.keys.seal(answer, to: file, signed: false)
        case .stranger: try fixture.keys.seal(answer, to: file, signedBy: fixture.keys.strangerHome)
        case .tampered:
            try fixture.keys.seal(answer, to: file)
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: file)
        }
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 65, "\(forgery): \(collected.stdout) \(collected.stderr)")
        #expect(collected.stdout.contains("REFUSED"))
        #expect(try paid(fixture) == 0)
        let sealed = try Data(contentsOf: file)
        let kept = fixture.env.output.path + "-collected/BNI/" + String(Digest.sha256Hex(sealed).prefix(16)) + "/"
        #expect(FileManager.default.contents(atPath: kept + "2020-06-01-BNI-status.csv.pgp") == sealed)
        #expect(!FileManager.default.fileExists(atPath: kept + "plain/2020-06-01-BNI-status.csv"))
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.collected_files WHERE outcome = 'REFUSED'") == 1)
        // Reported again on the next call, still not imported.
        #expect(try fixture.cli("collect", "--as-of", "2020-06-02").status == 65)
        #expect(try paid(fixture) == 0)
    }
}
