import Foundation
import Testing

@testable import Disbursement

/// A pain.001 file's MsgId/PmtInfId is `DSB-YYYYMMDD-CHANNEL-NNN`, at most 35 characters: a
/// channel code longer than 18 would be cut and two files could share an id, so such a code is
/// refused when the settings are read (exit 78), and an 18-character one fits whole.
@Suite("channel code length")
struct ChannelCodeLengthTests {
    static func channel(_ code: String) -> String {
        "\n[channels.\(code)]\nkind = \"bank\"\ndebtor_name = \"PROGRAM\"\ndebtor_account = \"1234567890\"\ndebtor_agent_bic = \"BNINIDJA\"\n"
    }

    static func settingsText(adding code: String) throws -> String {
        try String(contentsOf: ChannelKindTests.example, encoding: .utf8) + channel(code)
    }

    @Test func eighteenCharactersFitWholeAndNineteenAreRefused() throws {
        let longest = String(repeating: "B", count: 17) + "Z"
        let settings = try Settings.parse(try Self.settingsText(adding: longest), file: "disburse.toml", folder: "/tmp")
        let channel = try #require(settings.channel(longest))
        let writer = Pain001Writer(channel: channel, initiatingParty: "P", businessDate: BusinessDate("2020-06-01")!, createdAt: "")
        #expect(writer.messageID(fileNumber: 999) == "DSB-20200601-\(longest)-999")
        #expect(writer.messageID(fileNumber: 999).count == 35)

        for code in [longest + "X", String(repeating: "C", count: 40)] {
            let text = try Self.settingsText(adding: code)
            do {
                _ = try Settings.parse(text, file: "disburse.toml", folder: "/tmp")
                Issue.record("channel \(code) accepted")
            } catch {
                #expect(error.description.contains("longer than 18 characters"), "\(error.description)")
            }
        }
    }

    @Test func theCommandLineSaysSoAndExits78() throws {
        let env = try TestEnvironment()
        let file = env.output.appending(path: "long-channel.toml")
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        var text = try Self.settingsText(adding: "ABCDEFGHIJKLMNOPQRS")
        text = text.replacingOccurrences(
            of: "key_file = \"demo-va.key\"",
            with: "key_file = \"\(ChannelKindTests.example.deletingLastPathComponent().path)/demo-va.key\"")
        try Data(text.utf8).write(to: file)
        var environment = env.cliEnvironment
        environment["DISBURSE_CONFIG"] = file.path
        let result = try CLI.run(["run", "--date", "2020-06-01"], environment: environment)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("ABCDEFGHIJKLMNOPQRS") && result.stderr.contains("35"), "\(result.stderr)")
    }
}
