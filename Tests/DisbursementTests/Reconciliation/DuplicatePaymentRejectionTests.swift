import Foundation
import Testing

@testable import Disbursement

/// A payment rejected as a copy of one the channel already has (DU01–DU05, AM05) is not a
/// failed payment: the first copy stands and may be paid, so no new attempt is made.
@Suite("duplicate payment rejections")
struct DuplicatePaymentRejectionTests {
    let recon = ReconcilerTests()

    @Test(arguments: ["DU01", "DU03", "DU05", "AM05"])
    func aTransactionRejectedAsACopyKeepsItsStatusAndIsNotRetried(_ code: String) throws {
        let env = try ReconcilerTests.night()
        let outcome = try recon.reconcile(env, [try recon.statusFile(env, "1.csv", [
            "PK-1-I1-1,FAILED,600000,\(code),,2020-06-01T10:00", "PK-2-I1-1,FAILED,600000,AM04,,2020-06-01T10:00",
        ])])
        #expect(outcome.files[0].exceptions == ["DUPLICATE_MESSAGE": 1], "\(outcome.files[0])")
        #expect(try recon.status(env, "PK-1-I1-1") == "ISSUED")
        #expect(try recon.status(env, "PK-2-I1-1") == "FAILED")
        let detail = try env.connection.queryOne(
            "SELECT detail FROM disbursement.recon_exceptions WHERE end_to_end_id = 'PK-1-I1-1'").decode(0, as: String.self)
        #expect(detail.contains("payment PK-1-I1-1 (\(code))") && detail.contains("not failed"), "\(detail)")
        try env.run("2020-06-02")
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 1 AND kind = 'INCENTIVE' AND number = 1") == 1)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 2 AND kind = 'INCENTIVE' AND number = 1") == 2)
    }
}
