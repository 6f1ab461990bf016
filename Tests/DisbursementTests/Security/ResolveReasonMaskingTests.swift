import Foundation
import Testing

@testable import Disbursement

/// A NIK or phone typed into `resolve --reason` reaches neither the run log's arguments nor the
/// stored case note (finance's report) whole.
@Suite("resolve reason masking")
struct ResolveReasonMaskingTests {
    @Test func aTypedNIKOrPhoneIsMasked() throws {
        let recon = ReconcilerTests()
        let env = try ReconcilerTests.night()
        try recon.reconcile(env, [try recon.statusFile(env, "1.csv", ["PK-1-I1-1,FAILED,600000,AM04,,"])])
        try recon.reconcile(env, [try recon.statusFile(env, "2.csv", ["PK-1-I1-1,PAID,600000,,,"])])
        let resolved = try env.cli(
            "resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "NIK 3201000000000110, HP 081200000110 per statement")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let stored = try env.connection.queryOne(
            """
            SELECT (SELECT string_agg(reason, ' ') FROM disbursement.resolutions)
                || (SELECT string_agg(arguments::text, ' ') FROM disbursement.run_log WHERE command = 'resolve')
            """).decode(0, as: String.self)
        for secret in ["320100000000", "08120000"] { #expect(!stored.contains(secret), "\(stored)") }
        #expect(stored.contains("0110") && stored.contains("per statement"), "\(stored)")
    }
}
