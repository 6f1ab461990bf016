import Foundation
import Logging
import Testing

@testable import Disbursement

/// SPEC §4: the key file must be private and secret; prefixes bind keys, retire, never overlap.
@Suite("VA key and prefix rules")
struct KeyAndPrefixTests {
    static func keyFile(_ hex: String, mode: mode_t = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "va-\(UUID().uuidString).key").path
        try Data((hex + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, mode)
        return path
    }

    static func randomHex() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o610, 0o601, 0o660] as [mode_t])
    func aKeyFileOpenToGroupOrOthersIsRefused(_ mode: mode_t) throws {
        let path = try Self.keyFile(Self.randomHex(), mode: mode)
        defer { unlink(path) }
        #expect(throws: SettingsError.self) { try VAKey.load(path: path, demo: true) }
        chmod(path, 0o600)
        _ = try VAKey.load(path: path, demo: false)
    }

    /// A FIFO hung the night on open(2), before fstat could refuse it.
    @Test(.timeLimit(.minutes(1))) func aFIFOAsTheKeyFileIsRefusedAtOnce() throws {
        let fifo = FileManager.default.temporaryDirectory.appending(path: "va-\(UUID().uuidString).fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        #expect(throws: SettingsError.self) { try VAKey.load(path: fifo, demo: true) }
    }

    @Test func aKeyFileOfAnotherOwnerIsRefused() throws {
        guard geteuid() == 0 else { return }  // only root can give a file away
        let path = try Self.keyFile(Self.randomHex())
        defer { unlink(path) }
        chown(path, 65534, 65534)
        #expect(throws: SettingsError.self) { try VAKey.load(path: path, demo: true) }
    }

    @Test func publishedKeysAreRefusedUnlessDemo() throws {
        let repositoryKey = try String(contentsOf: Paths.repository.appending(path: "config/demo-va.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for hex in [repositoryKey, "2B7E151628AED2A6ABF7158809CF4F3C", "2b7e151628aed2a6abf7158809cf4f3cef4359d8d580aa4f",
                    "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", String(repeating: "00", count: 32),
                    "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
                    "603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4"]
        {
            let path = try Self.keyFile(hex)
            defer { unlink(path) }
            #expect(throws: SettingsError.self, "\(hex.prefix(6))") { try VAKey.load(path: path, demo: false) }
            _ = try VAKey.load(path: path, demo: true)
        }
    }

    @Test func theRunRefusesABadKeyWithExit78AndOneSentence() throws {
        let env = try TestEnvironment()
        let open = try Self.keyFile(Self.randomHex(), mode: 0o644)
        defer { unlink(open) }
        var environment = env.cliEnvironment
        environment["DISBURSE_VA_KEY_FILE"] = open
        let result = try CLI.run(["run", "--date", "2020-06-01"], environment: environment)
        #expect(result.status == 78)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("chmod 600"), "\(result.stderr)")

        // The example settings say demo = true; without it the demo key is refused.
        let config = env.output.deletingLastPathComponent().appending(path: "nodemo-\(UUID().uuidString).toml")
        defer { try? FileManager.default.removeItem(at: config) }
        let example = try String(contentsOf: Paths.repository.appending(path: "config/disburse.example.toml"), encoding: .utf8)
        #expect(example.contains("\ndemo = true\n"))
        try example.replacingOccurrences(of: "\ndemo = true\n", with: "\n")
            .replacingOccurrences(of: "key_file = \"demo-va.key\"", with: "key_file = \"\(Paths.repository.path)/config/demo-va.key\"")
            .write(to: config, atomically: true, encoding: .utf8)
        environment = env.cliEnvironment
        environment["DISBURSE_CONFIG"] = config.path
        let refused = try CLI.run(["run", "--date", "2020-06-01"], environment: environment)
        #expect(refused.status == 78 && refused.stderr.contains("published"), "\(refused.stderr)")
    }

    @Test func settingsRefuseAPrefixThatBeginsAnother() throws {
        let text = try String(contentsOf: Paths.repository.appending(path: "config/disburse.example.toml"), encoding: .utf8)
        for list in ["[\"8808\", \"88081\"]", "[\"77071\", \"7707\", \"8808\"]"] {
            let changed = text.replacingOccurrences(of: "prefixes = [\"8808\"]", with: "prefixes = \(list)")
            #expect(throws: SettingsError.self) { try Settings.parse(changed, file: "x.toml", folder: "/tmp") }
        }
        #expect(VirtualAccountIssuer.overlap(["8808", "7707", "88"]) != nil)
        #expect(VirtualAccountIssuer.overlap(["8808", "7707", "8809", "880"]) != nil)
        #expect(VirtualAccountIssuer.overlap(["8808", "7707", "8809", "88090"]) != nil)
        #expect(VirtualAccountIssuer.overlap(["8808", "7707", "8809", "880"].dropLast()) == nil)
    }

    func night(_ env: TestEnvironment, _ date: String, prefixes: [String], key: VAKey) throws -> NightlyRun.Report {
        var settings = env.settings
        settings.vaPrefixes = prefixes
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try NightlyRun(settings: settings, key: key, logger: logger).execute(
            try env.database.connect(), options: .init(businessDate: BusinessDate(date)!, dryRun: false, arguments: []))
    }

    @Test func anotherKeyForABoundPrefixIsRefusedAlsoOnAReRun() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        _ = try night(env, "2020-06-01", prefixes: ["8808"], key: env.key)
        let other = VAKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let before = try env.snapshot()
        #expect(throws: VirtualAccountIssuer.KeyMismatch.self) { try night(env, "2020-06-01", prefixes: ["8808"], key: other) }
        #expect(throws: VirtualAccountIssuer.KeyMismatch.self) { try night(env, "2020-06-02", prefixes: ["8808"], key: other) }
        #expect(try env.snapshot() == before)
    }

    /// docs/operations.md: list the new prefix in place of the old one and name the new key. The
    /// old prefix is retired: its numbers stay valid, and it needs no key.
    @Test func rotationAsTheOperationsGuideDescribesIt() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        _ = try night(env, "2020-06-01", prefixes: ["8808"], key: env.key)
        let old = try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts WHERE registrant_id = 1").decode(0, as: String.self)

        let newKey = VAKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
        try env.registry.payableParticipant(2)
        _ = try night(env, "2020-06-02", prefixes: ["7707"], key: newKey)
        _ = try night(env, "2020-06-02", prefixes: ["7707"], key: newKey)  // a re-run, under the new key
        try env.registry.payableParticipant(3)
        _ = try night(env, "2020-06-03", prefixes: ["7707"], key: newKey)
        let numbers = try env.connection.query("SELECT registrant_id, va FROM disbursement.virtual_accounts ORDER BY registrant_id")
            .map { (try $0.decode(0, as: Int64.self), try $0.decode(1, as: String.self)) }
        #expect(numbers.map(\.0) == [1, 2, 3])
        #expect(numbers[0].1 == old)
        #expect(numbers[1].1.hasPrefix("7707") && numbers[2].1.hasPrefix("7707"))
        #expect(try VirtualAccountLookup.check(old, env.connection).isValid)
        #expect(try VirtualAccountLookup.lookup(old, env.connection).contains("Participant   1"))
        // A new prefix may not begin the retired one, nor the retired one it.
        try env.registry.payableParticipant(4)
        #expect(throws: VirtualAccountIssuer.PrefixOverlap.self) { try night(env, "2020-06-04", prefixes: ["88081"], key: newKey) }
        #expect(throws: VirtualAccountIssuer.PrefixOverlap.self) { try night(env, "2020-06-04", prefixes: ["880"], key: newKey) }
    }

    @Test func aFullRangeNamesThePrefixToAddAndIssuanceSpansTwoPrefixes() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        _ = try night(env, "2020-06-01", prefixes: ["8808"], key: env.key)
        // One number left in 8808.
        try env.connection.execute("UPDATE disbursement.va_ranges SET next_sequence = capacity - 1 WHERE prefix = '8808'")
        for id: Int64 in [2, 3, 4] { try env.registry.payableParticipant(id) }
        let before = try env.snapshot()
        do {
            _ = try night(env, "2020-06-02", prefixes: ["8808"], key: env.key)
            Issue.record("a full range must refuse")
        } catch let error as VirtualAccountIssuer.RangeFull {
            #expect(error.category == .configuration)
            #expect(error.description.contains("8809"), "\(error.description)")
        }
        #expect(try env.snapshot() == before)

        _ = try night(env, "2020-06-02", prefixes: ["8808", "8809"], key: env.key)
        let prefixes = try env.connection.query(
            "SELECT prefix, count(*) FROM disbursement.virtual_accounts WHERE registrant_id IN (2, 3, 4) GROUP BY prefix ORDER BY prefix"
        ).map { "\(try $0.decode(0, as: String.self))=\(try $0.decode(1, as: Int.self))" }
        #expect(prefixes == ["8808=1", "8809=2"])
        let numbers = try env.connection.query("SELECT va FROM disbursement.virtual_accounts").map { try $0.decode(0, as: String.self) }
        #expect(Set(numbers).count == 4 && numbers.allSatisfy { Damm.isValid($0) })
        #expect(VirtualAccountIssuer.suggestion(after: "0899", known: ["0899", "09"]) == "1000")
    }
}
