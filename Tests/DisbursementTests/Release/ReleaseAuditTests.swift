import Foundation
import Testing

@testable import Disbursement

/// Attack 17, F14: approve and reject, decided or refused, are in the run log, and a reason
/// keeps no full NIK.
@Suite("batch release: audit")
struct ReleaseAuditTests {
    @Test func decisionsAndRefusalsAreLoggedAndAReasonKeepsNoNIK() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-01")
        let date = try #require(BusinessDate("2020-06-01"))
        let approver = try DeliverOnceTests.approver(env)
        let login = try approver.queryOne("SELECT session_user").decode(0, as: String.self)
        try env.connection.execute(
            "GRANT EXECUTE ON FUNCTION disbursement.log_release(text, text[], date, text, text, int, text, int, text) TO \(login)")
        let hash = try #require(try BatchRelease.overview(approver, date: date).manifestSHA256)
        // The maker tries to decide its own batch: refused, and the try is recorded.
        #expect(throws: ReleaseError.self) {
            try BatchRelease.decide(env.connection, date: date, verdict: .approved, confirmation: hash, reason: nil)
        }
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE command = 'approve' AND outcome = 'refused' AND exit_code = 64") == 1)
        let nik = "3201234567890001"
        try BatchRelease.decide(approver, date: date, verdict: .rejected, confirmation: hash, reason: "wrong totals, participant \(nik)")
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE command = 'reject' AND outcome = 'succeeded' AND db_login = '\(login)'") == 1)
        let reason = try env.connection.queryOne("SELECT reason FROM disbursement.batch_decisions").decode(0, as: String.self)
        #expect(!reason.contains(nik) && reason.contains("0001"), "\(reason)")
        let logged = try env.connection.query("SELECT array_to_string(arguments, ' ') || coalesce(message, '') FROM disbursement.run_log")
            .map { try $0.decode(0, as: String.self) }.joined()
        #expect(!logged.contains(nik))
        // The database masks a reason whoever calls the function.
        #expect(try env.connection.queryOne("SELECT disbursement.mask_digit_runs('x 12345678 y 1234567')").decode(0, as: String.self)
            == "x …5678 y 1234567")
    }
}
