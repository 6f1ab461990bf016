import Foundation
import Testing

@testable import Disbursement

/// Each channel says whether it pays banks or e-wallets; the payable kind of an account comes
/// from here, so a channel without one is a configuration error (exit 78), not a guess.
@Suite("channel kinds")
struct ChannelKindTests {
    static let example = Paths.repository.appending(path: "config/disburse.example.toml")

    static func settings(replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOf: example, encoding: .utf8)
        #expect(text.contains(old))
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func theExampleGivesEveryChannelItsKind() throws {
        let settings = try Settings.load(path: Self.example.path, environment: [:])
        #expect(settings.channelCodes(.bank) == ["BCA", "BNI"])
        #expect(settings.channelCodes(.ewallet) == ["DANA", "GOPAY", "LINKAJA", "OVO"])
        #expect(settings.channel("VA")?.kind == .virtualAccount)
    }

    @Test(arguments: [
        ("[channels.OVO]\nkind = \"ewallet\"\n", "[channels.OVO]\n", "needs kind"),
        ("[channels.OVO]\nkind = \"ewallet\"\n", "[channels.OVO]\nkind = \"e-wallet\"\n", "must be \"bank\" or \"ewallet\""),
        ("[channels.BNI]\nkind = \"bank\"\n", "[channels.BNI]\nkind = \"\"\n", "non-empty"),
        ("[channels.VA]\n", "[channels.VA]\nkind = \"bank\"\n", "takes no kind"),
    ])
    func aChannelWithoutAClearKindIsRefused(_ old: String, _ new: String, _ said: String) throws {
        let text = try Self.settings(replacing: old, with: new)
        do {
            _ = try Settings.parse(text, file: "disburse.toml", folder: "/tmp")
            Issue.record("settings without a clear kind were accepted")
        } catch {
            #expect(error.description.contains(said), "\(error.description)")
        }
    }

    @Test func theCommandLineSaysSoAndExits78() throws {
        let env = try TestEnvironment()
        let file = env.output.appending(path: "no-kind.toml")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        var text = try Self.settings(replacing: "[channels.GOPAY]\nkind = \"ewallet\"\n", with: "[channels.GOPAY]\n")
        text = text.replacingOccurrences(of: "key_file = \"demo-va.key\"", with: "key_file = \"\(Self.example.deletingLastPathComponent().path)/demo-va.key\"")
        try Data(text.utf8).write(to: file)
        var environment = env.cliEnvironment
        environment["DISBURSE_CONFIG"] = file.path
        let result = try CLI.run(["run", "--date", "2020-06-01"], environment: environment)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("channels.GOPAY") && result.stderr.contains("kind"), "\(result.stderr)")
    }
}
