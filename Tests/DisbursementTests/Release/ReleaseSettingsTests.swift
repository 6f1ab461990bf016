import Foundation
import Testing

@testable import Disbursement

/// `[release]` and `[channels.X.sftp]`: the example's defaults, and a sentence for every bad value.
@Suite("release settings")
struct ReleaseSettingsTests {
    static let example = (try? String(contentsOf: Paths.repository.appending(path: "config/disburse.example.toml"), encoding: .utf8)) ?? ""

    static let link = """

        [channels.BNI.sftp]
        host = "h2h.bni.example"
        user = "prakerja"
        key_file = "ssh/bni"
        host_key = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
        inbox = "in"
        outbox = "out"
        public_key = "bni.asc"

        """

    func parse(_ text: String) throws(SettingsError) -> Settings {
        try Settings.parse(text, file: "test.toml", folder: "/etc/disburse")
    }

    @Test func theExampleRequiresApprovalAndLinksNoChannel() throws {
        let settings = try parse(Self.example)
        #expect(settings.release.approval == .required)
        #expect(settings.release.sftp.isEmpty && settings.release.signingKeyFile == nil)
        #expect(settings.release.spool(output: "/srv/out") == "/srv/out-spool")
    }

    @Test func aChannelLinkIsReadWithItsDefaults() throws {
        let settings = try parse(Self.example + Self.link)
        let bni = try #require(settings.release.sftp["BNI"])
        #expect(bni.port == 22 && bni.format == .pain001)
        #expect(bni.keyFile == "/etc/disburse/ssh/bni" && bni.publicKeyFile == "/etc/disburse/bni.asc")
        // How files travel does not change what they are.
        #expect(settings.fingerprint == (try parse(Self.example)).fingerprint)
    }

    @Test(arguments: [
        ("approval = \"required\"", "approval = \"maybe\"", "release.approval"),
        ("host_key = \"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\"", "host_key = \"MD5:ab:cd\"", "host_key"),
        ("inbox = \"in\"", "inbox = \"in; rm -rf /\"", "channels.BNI.sftp.inbox"),
        ("inbox = \"in\"", "inbox = \"-oProxyCommand=x\"", "channels.BNI.sftp.inbox"),
        ("user = \"prakerja\"", "user = \"prakerja\"\npassword = \"secret\"", "password"),
        ("outbox = \"out\"", "outbox = \"out\"\nformat = \"both\"", "format"),
        ("outbox = \"out\"", "outbox = \"out\"\nport = 70000", "port"),
    ])
    func aBadValueIsNamed(_ replaced: String, _ with: String, _ named: String) {
        let text = (Self.example + Self.link).replacingOccurrences(of: replaced, with: with)
        #expect(text != Self.example + Self.link)
        do {
            _ = try parse(text)
            Issue.record("accepted \(with)")
        } catch {
            #expect(error.description.contains(named), "\(error.description)")
            #expect(!error.description.contains("secret"))
        }
    }
}
