import Foundation
import Testing

@testable import Disbursement

/// Attack 17: a batch's payouts reach a channel at most once, whatever the settings say later
/// (F15), and a batch whose delivery started cannot be rejected and paid again (F3).
@Suite("delivery: at most once per batch and channel")
struct DeliverOnceTests {
    /// F15: a channel moving from CSV to pain.001 does not get its delivered batches again as XML.
    @Test func aChangedFormatNeverResendsADeliveredBatch() throws {
        let fixture = try DeliveryFixture(approval: "none")
        #expect(try fixture.cli("deliver").status == 0)
        try fixture.expectDeliveredOnce()
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
        #expect(text.contains("format = \"csv\""))
        try text.replacingOccurrences(of: "format = \"csv\"", with: "format = \"pain001\"")
            .write(to: fixture.config, atomically: true, encoding: .utf8)
        let again = try fixture.cli("deliver")
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        try fixture.expectDeliveredOnce()
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries WHERE file_name LIKE 'BNI-%.xml'") == 0)
        // The database refuses a second form of the same batch and channel whoever writes it.
        #expect(throws: (any Error).self) {
            try fixture.env.connection.execute(
                """
                INSERT INTO disbursement.deliveries (business_date, file_name, channel, remote_name, plaintext_sha256,
                                                     sent_sha256, sent_size, state, run_id)
                VALUES ('2020-06-01', 'BNI-001.xml', 'BNI', '2020-06-01-BNI-001.xml.pgp', 'x', 'y', 1, 'PREPARED', 0)
                """)
        }
    }

    /// F15, carried by hand: a channel whose SFTP settings are new gets nothing until the
    /// operator names its first date, and never a batch before it.
    @Test func aChannelWithoutAFirstDateGetsNothingAndEarlierBatchesNever() throws {
        let fixture = try DeliveryFixture(approval: "none", startDeliveries: false)
        let unstarted = try fixture.cli("deliver")
        #expect(unstarted.status == 78, "\(unstarted.stdout) \(unstarted.stderr)")
        #expect(unstarted.stderr.contains("--from"))
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries") == 0)
        let later = try fixture.cli("deliver", "--from", "2020-06-02")
        #expect(later.status == 0, "\(later.stdout) \(later.stderr)")
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")).isEmpty)
        // Recorded once: a second --from does not move the first date back.
        #expect(try fixture.cli("deliver", "--from", "2020-06-01").status == 0)
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.delivery_starts WHERE first_date = '2020-06-02'") == 2)
    }

    /// F3: once a file of the batch went to a channel, a rejection (which would make the next
    /// night pay every payout again) is refused by the database.
    @Test func aDeliveredBatchCannotBeRejected() throws {
        let fixture = try DeliveryFixture(approval: "none")
        #expect(try fixture.cli("deliver").status == 0)
        let approver = try Self.approver(fixture.env)
        let date = try #require(BusinessDate("2020-06-01"))
        let hash = try #require(try BatchRelease.overview(approver, date: date).manifestSHA256)
        #expect(throws: ReleaseError.delivered(date)) {
            try BatchRelease.decide(approver, date: date, verdict: .rejected, confirmation: hash, reason: "too late")
        }
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE status = 'FAILED'") == 0)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.batch_decisions") == 0)
    }

    /// F20: `approval = "none"` in the operator's settings does not release an unapproved
    /// batch while the database requires approval; a delivery row for it is refused.
    @Test func theDatabaseNotTheSettingsDecidesWhetherApprovalIsNeeded() throws {
        let fixture = try DeliveryFixture()
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
        #expect(text.contains("approval = \"required\""))
        try text.replacingOccurrences(of: "approval = \"required\"", with: "approval = \"none\"")
            .write(to: fixture.config, atomically: true, encoding: .utf8)
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("Waiting for approval: 2020-06-01"))
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
        let refused = PostgresError.from {
            try fixture.env.connection.execute(
                """
                INSERT INTO disbursement.deliveries (business_date, file_name, channel, remote_name, plaintext_sha256,
                                                     sent_sha256, sent_size, state, run_id)
                VALUES ('2020-06-01', 'BNI-001.csv', 'BNI', '2020-06-01-BNI-001.csv.pgp', 'x', 'y', 1, 'PREPARED', 0)
                """)
        }
        #expect(refused?.sqlState == "42501")
        try fixture.approve()
        #expect(try fixture.cli("deliver").status == 0)
        try fixture.expectDeliveredOnce()
    }

    /// F2: the totals an approver is shown come from the payouts, not from the kept totals
    /// the job may rewrite.
    @Test func theApproverSeesTotalsTheJobCannotRewrite() throws {
        let fixture = try DeliveryFixture(night: true)
        let approver = try Self.approver(fixture.env)
        let date = try #require(BusinessDate("2020-06-01"))
        let before = try BatchRelease.overview(approver, date: date)
        #expect(before.payouts > 0)
        #expect(before.payouts == Int64(try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE business_date = '2020-06-01'")))
        try fixture.env.connection.execute("UPDATE disbursement.payout_totals SET payouts = 1, amount = 1000")
        let after = try BatchRelease.overview(approver, date: date)
        #expect(after.lines == before.lines)
    }

    /// F6: a `.part` the channel purged before our rename was sent is uploaded again, not
    /// recorded DELIVERED.
    @Test func aPartGoneBeforeTheRenameIsSentAgain() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let killed = try fixture.cli("deliver", fault: "deliver:renaming")
        #expect(killed.killedBySignal, "\(killed.stdout) \(killed.stderr)")
        let inbox = fixture.server.inbox("BNI")
        let parts = try fixture.server.files(in: inbox)
        #expect(parts == ["2020-06-01-BNI-001.csv.pgp.part"])
        for name in parts { try FileManager.default.removeItem(at: inbox.appending(path: name)) }
        let again = try fixture.cli("deliver")
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        try fixture.expectDeliveredOnce()
    }

    static func approver(_ env: TestEnvironment) throws -> Connection {
        let name = "approver_" + UUID().uuidString.prefix(8).lowercased()
        try env.connection.execute("CREATE ROLE \(name) LOGIN")
        try env.connection.execute("GRANT USAGE ON SCHEMA disbursement TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.batch_for_release(date) TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.decide_batch(date, text, text, text) TO \(name)")
        return try Connection(conninfo: env.database.conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(name)"))
    }
}
