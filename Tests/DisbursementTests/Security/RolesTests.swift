import Foundation
import Testing

@testable import Disbursement

/// sql/roles.sql, applied to a real database, connected to as each role.
@Suite("least-privilege roles", .serialized)
struct RolesTests {
    /// Roles are cluster-wide: one suite applies them, serially, and each test uses its own database.
    func prepare() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.registrant(2, nik: "3171000000000002X")
        try env.registry.member(2)
        try env.run("2020-06-01")
        try env.connection.executeScript(try String(contentsOf: Paths.repository.appending(path: "sql/roles.sql"), encoding: .utf8))
        return env
    }

    func connect(_ env: TestEnvironment, as role: String) throws -> Connection {
        try Connection(conninfo: env.database.conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(role)"))
    }

    @Test func financeReadsMaskedViewsOnly() throws {
        let env = try prepare()
        let finance = try connect(env, as: "disburse_finance")
        let masked = try finance.query("SELECT account_no_masked FROM disbursement_reports.payouts")
        #expect(!masked.isEmpty)
        for row in masked {
            let value = try row.decode(0, as: String.self)
            #expect(value.dropLast(4).allSatisfy { $0 == "*" })
        }
        let nik = try finance.queryOne("SELECT nik_masked FROM disbursement_reports.holds").decode(0, as: String.self)
        #expect(nik.hasSuffix("002X") && nik.hasPrefix("*"))
        for forbidden in ["SELECT nik FROM registry.registrants", "SELECT account_no FROM disbursement.payouts",
                          "SELECT va FROM disbursement.virtual_accounts"]
        {
            #expect(throws: PostgresError.self, "finance must not run: \(forbidden)") { try finance.query(forbidden) }
        }
        #expect(throws: PostgresError.self) { try finance.execute("DELETE FROM disbursement_reports.payouts") }
        #expect(throws: PostgresError.self) { try finance.execute("UPDATE disbursement.payouts SET amount = 1") }
    }

    @Test func theJobCannotWriteTheRegistryButCanRunANight() throws {
        let env = try prepare()
        let job = try connect(env, as: "disburse_job")
        #expect(throws: PostgresError.self) {
            try job.execute("UPDATE registry.registrants SET full_name = 'x'")
        }
        #expect(throws: PostgresError.self) {
            try job.execute("INSERT INTO registry.decrees (decree_no) VALUES ('SK-X')")
        }
        var settings = env.settings
        settings.outputDirectory = env.output.path
        var logger = Logging.Logger(label: "test")
        logger.logLevel = .critical
        let report = try NightlyRun(settings: settings, key: env.key, logger: logger).execute(
            job, options: .init(businessDate: BusinessDate("2020-07-01")!, dryRun: false, arguments: []))
        #expect(report.summary.payoutCount > 0)
    }
}

import Logging
