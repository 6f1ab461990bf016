import Foundation
import Testing

@testable import Disbursement

/// Attack 17 on `disburse collect`: a file the reader refuses is REFUSED (F16); a channel's file
/// moves only that channel's payouts (F4); files are known by their bytes, not their names
/// (F17); and each kept file has a place of its own (F13).
@Suite("collection: bound to its channel, by content")
struct CollectIntegrityTests {
    func delivered() throws -> DeliveryFixture {
        let fixture = try DeliveryFixture(approval: "none")
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stderr)")
        return fixture
    }

    /// A CSV status file for `channel`'s payouts, each with `status`; `settledAt` as written.
    func answer(_ fixture: DeliveryFixture, channel: String, status: String, settledAt: String = "2020-06-02T10:00:00+07:00") throws -> Data {
        var text = "end_to_end_id,status,amount,reason_code,reason_text,settled_at\r\n"
        for row in try fixture.env.connection.query(
            "SELECT end_to_end_id, amount FROM disbursement.payouts WHERE channel = $1 ORDER BY end_to_end_id", [channel])
        {
            text += "\(try row.decode(0, as: String.self)),\(status),\(try row.decode(1, as: Int64.self)),,,\(settledAt)\r\n"
        }
        return Data(text.utf8)
    }

    func count(_ fixture: DeliveryFixture, _ channel: String, _ status: String) throws -> Int {
        try fixture.env.count("SELECT count(*) FROM disbursement.payouts WHERE channel = '\(channel)' AND status = '\(status)'")
    }

    /// F16: the reader refuses the file (a settled_at it cannot read): REFUSED, 65, and tried
    /// again on the next call, never recorded IMPORTED.
    @Test func aFileTheReaderRefusesIsRefusedAndTriedAgain() throws {
        let fixture = try delivered()
        try fixture.keys.seal(
            try answer(fixture, channel: "BNI", status: "PAID", settledAt: "not a time"),
            to: fixture.server.outbox("BNI").appending(path: "2020-06-02-BNI-status.csv.pgp"))
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 65, "\(collected.stdout) \(collected.stderr)")
        #expect(collected.stdout.contains("REFUSED"))
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.collected_files WHERE outcome = 'IMPORTED'") == 0)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.collected_files WHERE outcome = 'REFUSED'") == 1)
        #expect(try count(fixture, "BNI", "PAID") == 0)
        #expect(try fixture.cli("collect", "--as-of", "2020-06-02").status == 65)
    }

    /// F4, transaction lines: BNI's signed file about VA's payouts changes nothing of VA's.
    @Test func transactionLinesAboutAnotherChannelAreExceptions() throws {
        let fixture = try delivered()
        let va = try count(fixture, "VA", "ISSUED")
        #expect(va > 0)
        try fixture.keys.seal(
            try answer(fixture, channel: "VA", status: "FAILED"),
            to: fixture.server.outbox("BNI").appending(path: "2020-06-02-BNI-status.csv.pgp"))
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 3, "\(collected.stdout) \(collected.stderr)")
        #expect(try count(fixture, "VA", "ISSUED") == va)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = 'UNKNOWN_REFERENCE'") == va)
        // The same file through VA's own outbox moves VA's payouts.
        try fixture.keys.seal(
            try answer(fixture, channel: "VA", status: "FAILED", settledAt: "2020-06-02T11:00:00+07:00"),
            to: fixture.server.outbox("VA").appending(path: "2020-06-02-VA-status.csv.pgp"))
        #expect(try fixture.cli("collect", "--as-of", "2020-06-02").status == 0)
        #expect(try count(fixture, "VA", "FAILED") == va)
    }

    /// F4, group and block statuses: BNI's signed pain.002 rejecting VA's message or block
    /// fails nothing of VA's; `reconcile --channel` keeps the same rule.
    @Test(arguments: ["group", "block"])
    func groupAndBlockStatusesAboutAnotherChannelAreExceptions(_ shape: String) throws {
        let fixture = try delivered()
        let va = try count(fixture, "VA", "ISSUED")
        let status = shape == "group"
            ? "<OrgnlGrpInfAndSts><OrgnlMsgId>DSB-20200601-VA-001</OrgnlMsgId><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts>"
            : "<OrgnlPmtInfAndSts><OrgnlPmtInfId>DSB-20200601-VA-001</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts>"
        let report = Data("""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>\(status)</CstmrPmtStsRpt></Document>
            """.utf8)
        try fixture.keys.seal(report, to: fixture.server.outbox("BNI").appending(path: "2020-06-02-BNI-ack.xml.pgp"))
        let collected = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(collected.status == 3, "\(collected.stdout) \(collected.stderr)")
        #expect(try count(fixture, "VA", "ISSUED") == va)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.recon_exceptions WHERE kind = 'UNKNOWN_REFERENCE'") == 1)

        let plain = fixture.env.output.appending(path: "ack-\(shape).xml")
        // Other bytes than the collected file, which is imported already.
        try (report + Data("\n".utf8)).write(to: plain)
        let scoped = try fixture.cli("reconcile", "--channel", "BNI", "--dry-run", plain.path, "--as-of", "2020-06-02")
        #expect(scoped.status == 3, "\(scoped.stdout) \(scoped.stderr)")
        let unscoped = try fixture.cli("reconcile", "--dry-run", "--output", "json", plain.path, "--as-of", "2020-06-02")
        #expect(unscoped.stdout.contains("\"FAILED\""), "\(unscoped.stdout)")
    }

    /// F17 and F13: a channel that reuses a name has its new file imported, and the first
    /// file's kept copies stay as they were.
    @Test func aNewFileUnderAnImportedNameIsImportedAndNothingKeptIsOverwritten() throws {
        let fixture = try delivered()
        let outbox = fixture.server.outbox("BNI").appending(path: "status.csv.pgp")
        let first = try answer(fixture, channel: "BNI", status: "PENDING")
        try fixture.keys.seal(first, to: outbox)
        let firstSealed = try Data(contentsOf: outbox)
        #expect(try fixture.cli("collect", "--as-of", "2020-06-02").status == 0)
        let bni = try count(fixture, "BNI", "PENDING")
        #expect(bni > 0)
        try FileManager.default.removeItem(at: outbox)
        try fixture.keys.seal(try answer(fixture, channel: "BNI", status: "PAID"), to: outbox)
        let second = try fixture.cli("collect", "--as-of", "2020-06-02")
        #expect(second.status == 0, "\(second.stdout) \(second.stderr)")
        #expect(try count(fixture, "BNI", "PAID") == bni)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.collected_files WHERE outcome = 'IMPORTED'") == 2)
        // Same bytes again: nothing new.
        let third = try fixture.cli("collect", "--as-of", "2020-06-02", "--format", "json")
        let report = try JSONDecoder().decode(StatusCollection.Report.self, from: Data(third.stdout.utf8))
        #expect(report.imported.isEmpty && report.alreadyCollected == 1)
        // The first file's original and plaintext are kept where they were put.
        let folder = fixture.env.output.path + "-collected/BNI/" + String(Digest.sha256Hex(firstSealed).prefix(16))
        #expect(FileManager.default.contents(atPath: folder + "/status.csv.pgp") == firstSealed)
        #expect(FileManager.default.contents(atPath: folder + "/plain/status.csv") == first)
        // A plain outbox file named like a plaintext lands in its own folder.
        try Data("junk".utf8).write(to: fixture.server.outbox("BNI").appending(path: "status.csv"))
        #expect(try fixture.cli("collect", "--as-of", "2020-06-02").status == 65)
        #expect(FileManager.default.contents(atPath: folder + "/plain/status.csv") == first)
    }
}
