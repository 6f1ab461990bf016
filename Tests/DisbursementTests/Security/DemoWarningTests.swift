import Foundation
import Testing

@testable import Disbursement

/// `demo = true` accepts published keys: every run with it says so on stderr and in the run log.
@Suite("demo settings")
struct DemoWarningTests {
    @Test func aDemoRunWarnsAndIsRecordedAsOne() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let result = try env.cli("run", "--date", "2020-06-01")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("demo = true"), "\(result.stderr)")
        var real = env.settings
        real.demo = false
        try env.run("2020-06-02", settings: real)
        let messages = try env.connection.query(
            "SELECT coalesce(message, '') FROM disbursement.run_log WHERE command = 'run' ORDER BY run_id"
        ).map { try $0.decode(0, as: String.self) }
        #expect(messages.count == 2)
        #expect(messages.first?.contains("demo = true") == true, "\(messages)")
        #expect(messages.last?.contains("demo") == false, "\(messages)")
    }
}
