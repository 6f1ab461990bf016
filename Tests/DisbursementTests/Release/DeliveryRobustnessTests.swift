import Foundation
import Testing

@testable import Disbursement

/// `disburse deliver` when a channel's server, key or settings misbehave (attack 17): that
/// channel is reported, the others are delivered, nothing hangs and no secret is left behind.
@Suite("delivery robustness")
struct DeliveryRobustnessTests {
    /// F24: a server that accepts the login and never answers is cut off at the time limit.
    @Test(.timeLimit(.minutes(2)))
    func aChannelThatNeverAnswersIsCutOffAndTheOthersAreDelivered() throws {
        let silent = try SFTPServer(channels: ["BNI"], command: "cat >/dev/null")
        let fixture = try DeliveryFixture(approval: "none", release: "timeout_seconds = 8", links: [
            "BNI": ["port": "\(silent.port)", "host_key": "\"\(try silent.fingerprint())\"", "key_file": "\"\(silent.userKey)\""],
        ])
        let run = try fixture.cli("deliver")
        #expect(run.status == 69, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("NOT SENT to BNI") && run.stdout.contains("8 seconds"), "\(run.stdout)")
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")) == ["2020-06-01-VA-001.xml.pgp"])
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries WHERE state = 'DELIVERED'") == 1)
    }

    /// F5: one channel's unusable OpenPGP key is that channel's failure; the later channels
    /// are delivered and the files sent are printed and logged.
    @Test func anUnusableChannelKeyStopsOnlyThatChannel() throws {
        let fixture = try DeliveryFixture(approval: "none", links: ["BNI": ["public_key": "\"/nonexistent/bni.asc\""]])
        let run = try fixture.cli("deliver")
        #expect(run.status == 78, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("NOT SENT to BNI") && run.stdout.contains("sent  2020-06-01/VA-001.xml"), "\(run.stdout)")
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")) == ["2020-06-01-VA-001.xml.pgp"])
        #expect(try fixture.server.files(in: fixture.server.inbox("BNI")).isEmpty)
        let logged = try fixture.env.connection.queryOne(
            "SELECT coalesce(counts::text, '') || coalesce(message, '') FROM disbursement.run_log WHERE command = 'deliver'"
        ).decode(0, as: String.self)
        #expect(logged.contains("VA-001.xml") && logged.contains("BNI"), "\(logged)")
    }

    /// F18: a deliver killed mid-way leaves its keyring (with the programme's secret key) and its
    /// agent only until the next run, which removes both; nothing goes to the shared TMPDIR.
    @Test func aKilledDeliveryLeavesNoKeyringOrAgentAfterTheNextRun() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let killed = try fixture.cli("deliver", fault: "deliver:prepared")
        #expect(killed.killedBySignal, "\(killed.stdout) \(killed.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.keyrings)
        #expect(left.count == 1 && fixture.agents().contains { $0.contains(left[0]) }, "\(left) \(fixture.agents())")
        let again = try fixture.cli("deliver")
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        try fixture.expectDeliveredOnce()
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.keyrings).isEmpty)
        let scratch = try FileManager.default.contentsOfDirectory(atPath: fixture.env.output.path + "-tmp")
        #expect(!scratch.contains { $0.hasPrefix("disburse-gpg") }, "\(scratch)")
        // The sweep stopped the killed run's agent at the start of the next run.
        #expect(!fixture.agents().contains { line in left.contains(where: line.contains) }, "\(fixture.agents())")
    }

    /// F18: a deliver ended by SIGTERM removes its keyring before it goes.
    @Test func aDeliveryEndedBySIGTERMRemovesItsKeyring() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let running = try fixture.start("deliver", pauseAt: "deliver:prepared")
        try running.waitForPause()
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.keyrings).count == 1)
        running.signal(SIGTERM)
        let ended = running.finish(resuming: false)
        #expect(ended.status == 128 + SIGTERM, "\(ended.stdout) \(ended.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.keyrings).isEmpty)
    }

    /// F21: the programme's secret key readable by others, or not a regular file, is refused
    /// (78) by deliver and by collect, before anything is sent or fetched.
    @Test func aSigningKeyOthersCanReadIsRefused() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let copy = fixture.env.output.path + "-signing.asc"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.copyItem(atPath: fixture.keys.programmeSecretKey, toPath: copy)
        chmod(copy, 0o644)
        try fixture.change("signing_key", in: "release", to: "\"\(copy)\"")
        for command in ["deliver", "collect"] {
            let run = try fixture.cli(command)
            #expect(run.status == 78, "\(command): \(run.stdout) \(run.stderr)")
            #expect(run.stderr.contains("chmod 600"), "\(command): \(run.stderr)")
        }
        #expect(try fixture.server.files(in: fixture.server.inbox("VA")).isEmpty)
        chmod(copy, 0o600)
        #expect(try fixture.cli("deliver").status == 0)
        try fixture.expectDeliveredOnce()
    }

    /// F23: a file PREPARED for a channel's old key is encrypted again for the new one.
    @Test func aFilePreparedBeforeAKeyRotationIsSentToTheNewKey() throws {
        let fixture = try DeliveryFixture(approval: "none")
        let killed = try fixture.cli("deliver", fault: "deliver:prepared")
        #expect(killed.killedBySignal)
        #expect(try fixture.env.count("SELECT count(*) FROM disbursement.deliveries WHERE state = 'PREPARED'") == 1)
        let gpg = try ExternalTool.gpg.located()
        let rotated = fixture.env.output.path + "-rotated.asc"
        defer { try? FileManager.default.removeItem(atPath: rotated) }
        try SetupCommand.run(gpg, ["--homedir", fixture.keys.strangerHome, "--batch", "--armor", "--output", rotated, "--export", "someone@elsewhere.test"])
        try fixture.change("public_key", in: "channels.BNI.sftp", to: "\"\(rotated)\"")
        let run = try fixture.cli("deliver")
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        let sent = fixture.server.inbox("BNI").appending(path: "2020-06-01-BNI-001.csv.pgp")
        #expect(throws: (any Error).self) { _ = try fixture.keys.bankDecrypt(sent) }
        let plain = fixture.env.output.path + "-rotated.csv"
        defer {
            try? FileManager.default.removeItem(atPath: plain)
            fixture.keys.stopAgents()
        }
        try SetupCommand.run(gpg, ["--homedir", fixture.keys.strangerHome, "--batch", "--output", plain, "--decrypt", sent.path])
        #expect(FileManager.default.contents(atPath: plain) == (try Data(contentsOf: fixture.env.output.appending(path: "2020-06-01/BNI-001.csv"))))
    }
}
