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

    /// `links` may replace a channel's SFTP lines (a wrong port, a stranger's key, another host
    /// key); `release` adds lines to the [release] table.
    init(
        approval: String = "required", night: Bool = true, release: String = "", links: [String: [String: String]] = [:],
        startDeliveries: Bool = true
    ) throws {
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
            .replacingOccurrences(of: "approval = \"required\"", with: "approval = \"\(approval)\"\nsigning_key = \"\(keys.programmeSecretKey)\"\n\(release)")
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
        // Delivering without approval is the database's decision (migration 0031), taken by its owner.
        if approval == "none" {
            try env.connection.execute("UPDATE disbursement.release_policy SET approval = 'none'")
        }
        // What `deliver --from` records once per channel: every batch of these tests goes over SFTP.
        if startDeliveries {
            for channel in Self.channels {
                try env.connection.execute(
                    "INSERT INTO disbursement.delivery_starts (channel, first_date, run_id) VALUES ($1, '2020-01-01', 0)", [channel])
            }
        }
    }

    /// The private keyrings deliver and collect make for themselves.
    var keyrings: String { env.output.path + "-spool/.gnupg" }

    deinit {
        keys.discard()
        // A run killed by the crash tests leaves its private keyring and agent behind.
        if let gpgconf = try? ExternalTool.gpgconf.located(), let left = try? FileManager.default.contentsOfDirectory(atPath: keyrings) {
            for name in left {
                _ = try? SetupCommand.run(gpgconf, ["--homedir", keyrings + "/" + name, "--kill", "all"])
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

    /// The gpg-agents still running for this fixture's folders.
    func agents() -> [String] {
        let folders = [env.output.path + "-spool", env.output.path + "-tmp"]
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: raw.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains("gpg-agent") && folders.contains(where: line.contains) ? line : nil
        }
    }

    /// Points a setting of the [release] table or of a channel's [channels.X.sftp] table at another value.
    func change(_ key: String, in table: String, to value: String) throws {
        let text = try String(contentsOf: config, encoding: .utf8)
        let start = try #require(text.range(of: "[\(table)]"))
        let line = try #require(text.range(of: "\n\(key) = [^\n]*", options: .regularExpression, range: start.upperBound..<text.endIndex))
        try text.replacingCharacters(in: line, with: "\n\(key) = \(value)").write(to: config, atomically: true, encoding: .utf8)
    }

    func start(_ arguments: String..., pauseAt checkpoint: String) throws -> RunningCLI {
        var environment = env.cliEnvironment
        environment["DISBURSE_CONFIG"] = config.path
        environment["TMPDIR"] = env.output.path + "-tmp"
        environment["DISBURSE_FAULT_INJECTION"] = "pause:" + checkpoint
        return try RunningCLI(arguments, environment: environment)
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
