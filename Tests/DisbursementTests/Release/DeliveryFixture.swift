import Foundation
import Testing

@testable import Disbursement

/// A night for two payable participants (files BNI-001 and VA-001), a real sshd with an inbox
/// and outbox per channel, the test's OpenPGP keys, and a settings file that links them.
final class DeliveryFixture {
    let env: TestEnvironment
    let server: SFTPServer
    let keys: OpenPGPKeys
    let config: URL
    static let channels = ["BNI", "VA"]

    /// `links` may replace a channel's SFTP lines (a wrong port, a stranger's key, another host key).
    init(approval: String = "required", night: Bool = true, links: [String: [String: String]] = [:]) throws {
        env = try TestEnvironment()
        server = try SFTPServer(channels: Self.channels)
        keys = try OpenPGPKeys.shared.get().ownKeyrings()
        if night {
            try env.registry.decree("SK-1")
            try env.registry.payableParticipant(1)
            try env.registry.payableParticipant(2)
            try env.run("2020-06-01")
        }
        let example = try String(contentsOf: Paths.repository.appending(path: "config/disburse.example.toml"), encoding: .utf8)
        var text = example
            .replacingOccurrences(of: "key_file = \"demo-va.key\"", with: "key_file = \"\(env.settings.vaKeyFile)\"")
            .replacingOccurrences(of: "approval = \"required\"", with: "approval = \"\(approval)\"\nsigning_key = \"\(keys.programmeSecretKey)\"")
        for channel in Self.channels {
            var lines: [String: String] = [
                "host": "\"127.0.0.1\"", "port": "\(server.port)", "user": "\"\(NSUserName())\"",
                "key_file": "\"\(server.userKey)\"", "host_key": "\"\(try server.fingerprint())\"",
                "inbox": "\"\(channel)/inbox\"", "outbox": "\"\(channel)/outbox\"", "public_key": "\"\(keys.bankPublicKey)\"",
                "format": channel == "VA" ? "\"pain001\"" : "\"csv\"",
            ]
            lines.merge(links[channel] ?? [:]) { $1 }
            text += "\n[channels.\(channel).sftp]\n" + lines.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n") + "\n"
        }
        config = env.output.deletingLastPathComponent().appending(path: "\(env.output.lastPathComponent).toml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: env.output.path + "-tmp", withIntermediateDirectories: true)
    }

    deinit {
        keys.discard()
        // A run killed by the crash tests leaves its private keyring and agent behind.
        let scratch = env.output.path + "-tmp"
        if let gpgconf = try? ExternalTool.gpgconf.located(), let left = try? FileManager.default.contentsOfDirectory(atPath: scratch) {
            for name in left where name.hasPrefix("disburse-gpg") {
                _ = try? SetupCommand.run(gpgconf, ["--homedir", scratch + "/" + name, "--kill", "all"])
            }
        }
        for suffix in ["-spool", "-collected", ".toml", "-tmp"] {
            try? FileManager.default.removeItem(atPath: env.output.path + suffix)
        }
    }

    func cli(_ arguments: String..., fault: String? = nil) throws -> CLI.Result {
        var environment = env.cliEnvironment
        environment["DISBURSE_CONFIG"] = config.path
        environment["TMPDIR"] = env.output.path + "-tmp"
        if let fault { environment["DISBURSE_FAULT_INJECTION"] = fault }
        return try CLI.run(arguments, environment: environment)
    }

    /// Approves the night's batch as another login than the one that made it.
    func approve(_ date: String = "2020-06-01") throws {
        let name = "approver_" + UUID().uuidString.prefix(8).lowercased()
        try env.connection.execute("CREATE ROLE \(name) LOGIN")
        try env.connection.execute("GRANT USAGE ON SCHEMA disbursement TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.batch_for_release(date) TO \(name)")
        try env.connection.execute("GRANT EXECUTE ON FUNCTION disbursement.decide_batch(date, text, text, text) TO \(name)")
        let approver = try Connection(conninfo: env.database.conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(name)"))
        guard let day = BusinessDate(date) else { throw TestSetupError("bad date") }
        let hash = try #require(try BatchRelease.overview(approver, date: day).manifestSHA256)
        try BatchRelease.decide(approver, date: day, verdict: .approved, confirmation: String(hash.prefix(12)), reason: nil)
    }

    /// The files the bank holds in a channel's inbox, decrypted: what it would pay from.
    func received(_ channel: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try server.files(in: server.inbox(channel)) {
            result[name] = try keys.bankDecrypt(server.inbox(channel).appending(path: name))
        }
        return result
    }

    /// What a complete, once-only delivery of the night looks like at the bank.
    func expectDeliveredOnce(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = env.output.appending(path: "2020-06-01")
        for (channel, file) in [("BNI", "BNI-001.csv"), ("VA", "VA-001.xml")] {
            let received = try received(channel)
            #expect(Array(received.keys) == ["2020-06-01-\(file).pgp"], "\(channel) inbox: \(received.keys.sorted())", sourceLocation: sourceLocation)
            #expect(received.values.first == (try Data(contentsOf: folder.appending(path: file))), sourceLocation: sourceLocation)
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.deliveries WHERE state = 'DELIVERED'") == 2, sourceLocation: sourceLocation)
    }
}
