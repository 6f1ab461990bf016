import Foundation
import Testing

@testable import Disbursement

/// `disburse collect` against hostile outboxes (attack 17): bounded work per file, and one bad
/// name never hides the channel's other files.
@Suite("collection robustness")
struct CollectRobustnessTests {
    func delivered(release: String = "") throws -> DeliveryFixture {
        let fixture = try DeliveryFixture(approval: "none", release: release)
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stderr)")
        return fixture
    }

    func answer(_ fixture: DeliveryFixture) throws -> Data {
        var answer = "end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\n"
        for row in try fixture.env.connection.query("SELECT end_to_end_id, amount FROM disbursement.payouts WHERE channel = 'BNI'") {
            answer += "\(try row.decode(0, as: String.self)),PAID,\(try row.decode(1, as: Int64.self)),,,2020-06-02T10:00:00+07:00\r\n"
        }
        return Data(answer.utf8)
    }

    /// F1: a small file that decompresses to more than release.max_status_file_bytes is refused
    /// once gpg has written that much, and what it wrote is removed.
    @Test func aCompressionBombIsRefusedAtTheLimit() throws {
        let fixture = try delivered(release: "max_status_file_bytes = 1048576")
        let file = fixture.server.outbox("BNI").appending(path: "2020-06-01-BNI-status.csv.pgp")
        let zeros = fixture.env.output.path + "-zeros"
        defer {
            try? FileManager.default.removeItem(atPath: zeros)
            fixture.keys.stopAgents()
        }
        try Data(count: 16 << 20).write(to: URL(fileURLWithPath: zeros))
        try SetupCommand.run(try ExternalTool.gpg.located(), [
            "--homedir", fixture.keys.bankHome, "--batch", "--trust-model", "always", "--compress-algo", "zlib",
            "--output", file.path, "--recipient", fixture.keys.programmeFingerprint, "--encrypt", "--sign", zeros,
        ])
        #expect(try Data(contentsOf: file).count < 1 << 20)
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 65, "\(collected.stdout) \(collected.stderr)")
        #expect(collected.stdout.contains("more than 1048576 bytes"), "\(collected.stdout)")
        #expect(!FileManager.default.fileExists(atPath: fixture.env.output.path + "-collected/BNI/2020-06-01-BNI-status.csv"))
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.collected_files WHERE outcome = 'REFUSED'") == 1)
    }

    /// F1: a listed file above the limit is not even fetched.
    @Test func aStatusFileAboveTheLimitIsNotFetched() throws {
        let fixture = try delivered(release: "max_status_file_bytes = 1048576")
        let name = "2020-06-01-BNI-big.csv.pgp"
        try Data(count: (1 << 20) + 1).write(to: fixture.server.outbox("BNI").appending(path: name))
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 65, "\(collected.stdout) \(collected.stderr)")
        #expect(collected.stdout.contains("not fetched"), "\(collected.stdout)")
        #expect(!FileManager.default.fileExists(atPath: fixture.env.output.path + "-collected/BNI/" + name))
    }

    /// F11: a name with a line break makes `ls` show made-up entries; they are reported, masked,
    /// and the channel's real status file is still collected.
    @Test func aNameWithALineBreakDoesNotStopTheChannel() throws {
        let fixture = try delivered()
        let outbox = fixture.server.outbox("BNI")
        try Data("x".utf8).write(to: outbox.appending(
            path: "zz\n-rw-r--r--    1 0        0             5 Jan  1 00:00 2020-01-01-BNI-fake.pgp"))
        try fixture.keys.seal(try answer(fixture), to: outbox.appending(path: "2020-06-01-BNI-status.csv.pgp"))
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 0, "\(collected.stdout) \(collected.stderr)")
        #expect(collected.stdout.contains("imported  BNI/2020-06-01-BNI-status.csv.pgp"), "\(collected.stdout)")
        #expect(collected.stdout.contains("could not be fetched"), "\(collected.stdout)")
        let bni = try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE channel = 'BNI'")
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE channel = 'BNI' AND status = 'PAID'") == bni)
    }

    @Test func namesFromOutsideAreShownWithoutControlCharacters() {
        #expect(StatusCollection.masked("a\u{1b}[2Jb\nc") == "a?[2Jb?c")
    }
}
