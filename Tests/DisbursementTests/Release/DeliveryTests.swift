import Foundation
import Testing

@testable import Disbursement

/// `disburse deliver` against a real sshd and real gpg: only released batches, each file once,
/// whatever is cut off or down.
@Suite("delivery over SFTP")
struct DeliveryTests {
    @Test func anApprovedBatchIsDeliveredEncryptedAndSignedOnce() throws {
        let fixture = try DeliveryFixture()
        try fixture.approve()
        let first = try fixture.cli("deliver")
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        try fixture.expectDeliveredOnce()
        let row = try fixture.env.connection.queryOne(
            "SELECT plaintext_sha256, sent_sha256, sent_size FROM disbursement.deliveries WHERE file_name = 'BNI-001.csv'")
        let sent = try Data(contentsOf: fixture.server.inbox("BNI").appending(path: "2020-06-01-BNI-001.csv.pgp"))
        #expect(try row.decode("sent_sha256", as: String.self) == Digest.sha256Hex(sent))
        #expect(try row.decode("sent_size", as: Int64.self) == Int64(sent.count))

        // Again: nothing is sent twice, and the run log says so without a secret in it.
        let second = try fixture.cli("deliver", "--format", "json")
        #expect(second.status == 0, "\(second.stderr)")
        let report = try JSONDecoder().decode(Delivery.Report.self, from: Data(second.stdout.utf8))
        #expect(report.delivered.isEmpty && report.alreadyDelivered == 2)
        try fixture.expectDeliveredOnce()
        let logged = try fixture.env.connection.query(
            "SELECT coalesce(counts::text, '') || coalesce(message, '') FROM disbursement.run_log WHERE command = 'deliver'")
            .map { try $0.decode(0, as: String.self) }.joined()
        #expect(logged.contains("BNI-001.csv") && !logged.contains("PRIVATE KEY") && !logged.contains(fixture.keys.programmeSecretKey))
    }

    @Test func nothingIsSentBeforeApproval() throws {
        let fixture = try DeliveryFixture()
        let asked = try fixture.cli("deliver", "--date", "2020-06-01")
        #expect(asked.status == 64, "\(asked.stdout) \(asked.stderr)")
        #expect(asked.stderr.contains("not approved"))
        let all = try fixture.cli("deliver")
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("Waiting for approval: 2020-06-01"))
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")).isEmpty)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries") == 0)
    }

    @Test func aRejectedBatchIsNeverDeliveredEvenWithoutApproval() throws {
        let fixture = try DeliveryFixture(approval: "none")
        try fixture.env.connection.execute(
            "INSERT INTO disbursement.batch_decisions (business_date, decision, manifest_sha256, decided_by, reason) SELECT business_date, 'REJECTED', manifest_sha256, 'someone', 'test' FROM disbursement.batches")
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
    }

    @Test func withoutApprovalRequiredEveryBatchIsDelivered() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        try fixture.expectDeliveredOnce()
    }

    static let checkpoints = ["deliver:encrypted", "deliver:prepared", "deliver:uploaded", "deliver:renaming", "deliver:renamed"]

    /// Killed at each step, once for the first file and then for the second, the next call
    /// completes the delivery and the bank holds each file exactly once.
    @Test(arguments: checkpoints)
    func aDeliveryKilledAtAnyStepIsCompletedOnce(_ checkpoint: String) throws {
        let fixture = try DeliveryFixture(approval: "none")
        let killed = try fixture.cli("deliver", fault: checkpoint)
        #expect(killed.killedBySignal, "not killed at \(checkpoint): \(killed.stdout) \(killed.stderr)")
        // A second kill at the same step: the first channel is further along by now.
        _ = try fixture.cli("deliver", fault: checkpoint)
        let again = try fixture.cli("deliver")
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        try fixture.expectDeliveredOnce()
        #expect(try fixture.cli("deliver").status == 0)
        try fixture.expectDeliveredOnce()
    }

    /// After a rename whose record was lost, the channel took the file away: it is not sent again.
    @Test func aFileTheChannelTookAfterTheRenameIsNotSentAgain() throws {
        let fixture = try DeliveryFixture(approval: "none")
        _ = try fixture.cli("deliver", fault: "deliver:renamed")
        let inbox = fixture.server.inbox("BNI")
        let taken = try fixture.server.files(in: inbox)
        #expect(taken == ["2020-06-01-BNI-001.csv.pgp"])
        for name in taken { try FileManager.default.removeItem(at: inbox.appending(path: name)) }
        let again = try fixture.cli("deliver")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try fixture.server.files(in: inbox).isEmpty)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries WHERE state = 'DELIVERED'") == 2)
    }

    @Test func aChannelDownIsReportedAndTheOthersAreDelivered() throws {
        let closed = try SFTPServer.freePort()
        let fixture = try DeliveryFixture(approval: "none", links: ["BNI": ["port": "\(closed)"]])
        let run = try fixture.cli("deliver")
        #expect(run.status == 69, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("NOT SENT to BNI"))
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")) == ["2020-06-01-VA-001.xml.pgp"])
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries WHERE state = 'DELIVERED'") == 1)
    }

    @Test func anAuthenticationFailureIsAChannelDown() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let stranger = fixture.server.folder.appending(path: "stranger").path
        let config = try String(contentsOf: fixture.config, encoding: .utf8)
        let bniStart = try #require(config.range(of: "[channels.BNI.sftp]"))
        var text = config
        text.replaceSubrange(bniStart.lowerBound..., with: config[bniStart.lowerBound...].replacingOccurrences(
            of: fixture.server.userKey + "\"\noutbox = \"BNI", with: stranger + "\"\noutbox = \"BNI"))
        try text.write(to: fixture.config, atomically: true, encoding: .utf8)
        #expect(text.contains(stranger))
        let run = try fixture.cli("deliver")
        #expect(run.status == 69, "\(run.stdout) \(run.stderr)")
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")).count == 1)
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
    }

    @Test func aChangedHostKeyIsRefused() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let other = try fixture.server.fingerprint(ofKey: "otherhost")
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
        let bni = try #require(text.range(of: "[channels.BNI.sftp]"))
        var changed = text
        let pinned = try #require(text.range(of: try fixture.server.fingerprint(), range: bni.upperBound..<text.endIndex))
        changed.replaceSubrange(pinned, with: other)
        try changed.write(to: fixture.config, atomically: true, encoding: .utf8)
        let run = try fixture.cli("deliver")
        #expect(run.status == 78, "\(run.stdout) \(run.stderr)")
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
        // The other channel still got its file.
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")).count == 1)
    }

    @Test func aReadableSSHKeyOrAMissingSigningKeyIsASettingsError() throws {
        let fixture = try DeliveryFixture(approval: "none")
        chmod(fixture.server.userKey, 0o644)
        let run = try fixture.cli("deliver")
        #expect(run.status == 78, "\(run.stdout) \(run.stderr)")
        #expect((run.stdout + run.stderr).contains("chmod 600"))
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")).isEmpty)
    }
}
