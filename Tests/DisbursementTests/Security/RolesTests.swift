import Foundation
import Logging
import Testing

@testable import Disbursement

/// sql/roles.sql, applied to a real database, connected to as each role. Every refusal must be
/// PostgreSQL's "insufficient privilege" (SQLSTATE 42501), not just any error.
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
        try applyRoles(env)
        return env
    }

    /// Settling a payout PAID takes back its entitlement's expiry: the job may do that (it was 42501).
    @Test func theJobSettlesAnExpiredEntitlementPaid() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1", payableUntil: "2020-06-10")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-01")
        try applyRoles(env)
        var job = env.cliEnvironment
        job["DATABASE_URL"] = conninfo(env, as: "disburse_job")
        func reconcile(_ line: String) throws {
            let file = env.output.deletingLastPathComponent().appending(path: "status-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\n\(line)\n".utf8).write(to: file)
            let result = try CLI.run(["reconcile", "--as-of", "2020-06-01", file.path], environment: job)
            #expect(result.status == 0 || result.status == 3, "\(result.stderr)")
        }
        try reconcile("PK-1-I1-1,FAILED,600000,AM04,,")
        #expect(try CLI.run(["run", "--date", "2020-06-11"], environment: job).status == 0)
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 1)
        try reconcile("PK-1-I1-1,PAID,600000,,,")
        let settled = try CLI.run(["resolve", "PK-1-I1-1", "--status", "PAID", "--reason", "bank statement shows the credit"], environment: job)
        #expect(settled.status == 0, "\(settled.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE kind = 'INCENTIVE' AND number = 1") == 0)
    }

    func applyRoles(_ env: TestEnvironment) throws {
        try env.connection.executeScript(try String(contentsOf: Paths.repository.appending(path: "sql/roles.sql"), encoding: .utf8))
    }

    func conninfo(_ env: TestEnvironment, as role: String) -> String {
        env.database.conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(role)")
    }

    func connect(_ env: TestEnvironment, as role: String) throws -> Connection {
        try Connection(conninfo: conninfo(env, as: role))
    }

    func expectDenied(_ connection: Connection, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = PostgresError.from({ try connection.execute(sql) }) else {
            Issue.record("allowed: \(sql)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.sqlState == "42501", "\(sql): \(error)", sourceLocation: sourceLocation)
    }

    func statusFile(_ env: TestEnvironment) throws -> URL {
        let reference = try env.connection.queryOne(
            "SELECT end_to_end_id FROM disbursement.payouts ORDER BY end_to_end_id LIMIT 1").decode(0, as: String.self)
        let amount = try env.connection.queryOne(
            "SELECT amount FROM disbursement.payouts WHERE end_to_end_id = $1", [reference]).decode(0, as: Int64.self)
        let file = env.output.deletingLastPathComponent().appending(path: "roles-status-\(UUID().uuidString).csv")
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\n\(reference),PAID,\(amount),,,2020-06-02\n".utf8)
            .write(to: file)
        return file
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
        #expect(try finance.queryOne("SELECT count(*) FROM disbursement_reports.holds").decode(0, as: Int.self) > 0)
        for forbidden in [
            "SELECT nik FROM registry.registrants", "SELECT account_no FROM disbursement.payouts",
            "SELECT va FROM disbursement.virtual_accounts", "SELECT arguments FROM disbursement.run_log",
            "SELECT detail FROM disbursement.recon_exceptions", "SELECT * FROM disbursement.schema_migrations",
            "DELETE FROM disbursement_reports.payouts", "UPDATE disbursement_reports.holds SET amount = 1",
            "INSERT INTO disbursement_reports.batches (business_date) VALUES ('2021-01-01')",
            "UPDATE disbursement.payouts SET amount = 1", "CREATE TABLE disbursement_reports.mine (x int)",
            "SELECT disbursement.refresh_statistics('payouts')",
        ] {
            expectDenied(finance, forbidden)
        }
    }

    /// Every report in every format, and the finance page, as disburse_finance through the CLI.
    @Test func financeRunsEveryReport() throws {
        let env = try prepare()
        var financeEnvironment = env.cliEnvironment
        financeEnvironment["DATABASE_URL"] = conninfo(env, as: "disburse_finance")
        // Before anything was counted, the funnel says so instead of failing.
        let empty = try CLI.run(["report", "funnel"], environment: financeEnvironment)
        #expect(empty.status == 0 && empty.stdout.contains("not been counted"), "\(empty.stderr)")

        var jobEnvironment = env.cliEnvironment
        jobEnvironment["DATABASE_URL"] = conninfo(env, as: "disburse_job")
        let file = try statusFile(env)
        defer { try? FileManager.default.removeItem(at: file) }
        let reconcile = try CLI.run(["reconcile", "--as-of", "2020-06-03", file.path], environment: jobEnvironment)
        #expect(reconcile.status == 0 || reconcile.status == 3, "\(reconcile.stderr)")
        let refresh = try CLI.run(["report", "funnel", "--refresh"], environment: jobEnvironment)
        #expect(refresh.status == 0, "\(refresh.stderr)")

        for report in ["summary", "holds", "funnel", "reconciliation"] {
            for format in ["table", "csv", "json"] {
                let result = try CLI.run(["report", report, "--format", format], environment: financeEnvironment)
                #expect(result.status == 0, "report \(report) --format \(format) as finance: \(result.stderr)")
                #expect(result.stderr.isEmpty, "\(result.stderr)")
            }
        }
        let summary = try CLI.run(["report", "summary", "--date", "2020-06-01"], environment: financeEnvironment)
        #expect(summary.stdout.contains("TRAINING"), "\(summary.stdout)")
        let holds = try CLI.run(["report", "holds", "--format", "csv"], environment: financeEnvironment)
        #expect(holds.stdout.contains("INVALID_NIK"), "\(holds.stdout)")
        let reconciliation = try CLI.run(["report", "reconciliation"], environment: financeEnvironment)
        #expect(reconciliation.stdout.contains("roles-status-"), "\(reconciliation.stdout)")

        // A night since the last count: finance shows the latest counts it has.
        try env.run("2020-06-02")
        let stale = try CLI.run(["report", "funnel"], environment: financeEnvironment)
        #expect(stale.status == 0 && stale.stdout.contains("counted"), "\(stale.stderr)")
        let page = env.output.deletingLastPathComponent().appending(path: "finance-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: page) }
        let html = try CLI.run(["report", "html", "--out", page.path], environment: financeEnvironment)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(try String(contentsOf: page, encoding: .utf8).contains("Payout summary"))
        // Counting needs the job's role: one sentence, exit 78.
        let denied = try CLI.run(["report", "funnel", "--refresh"], environment: financeEnvironment)
        #expect(denied.status == 78 && denied.stderr.contains("disburse_job"), "\(denied.stderr)")
    }

    @Test func theJobRunsANightButCannotDeleteOrRewrite() throws {
        let env = try prepare()
        let job = try connect(env, as: "disburse_job")
        var notices: [String] = []
        job.noticeHandler = { notices.append($0) }
        try env.registry.payableParticipant(3)
        var settings = env.settings
        settings.outputDirectory = env.output.path
        var logger = Logging.Logger(label: "test")
        logger.logLevel = .critical
        let report = try NightlyRun(settings: settings, key: env.key, logger: logger).execute(
            job, options: .init(businessDate: BusinessDate("2020-07-01")!, dryRun: false, arguments: []))
        #expect(report.summary.payoutCount > 0)
        // ANALYZE of the tables it filled ran as their owner: no "skipping … only table or
        // database owner can analyze it" warning.
        #expect(!notices.contains { $0.lowercased().contains("analyze") }, "\(notices)")
        // The next night is incremental: the job reads the registry's row versions (xmin) and
        // keeps the state the night after needs.
        try env.registry.payableParticipant(4)
        let next = try NightlyRun(settings: settings, key: env.key, logger: logger).execute(
            job, options: .init(businessDate: BusinessDate("2020-07-02")!, dryRun: false, arguments: []))
        #expect(next.summary.payouts.contains { $0.channel == "BNI" })
        // Decided: the new participant 4 and registrant 2 (held INVALID_NIK since prepare()).
        let scope = try env.connection.queryOne(
            "SELECT scope || ' ' || touched FROM disbursement.night_scopes WHERE business_date = '2020-07-02'").decode(0, as: String.self)
        #expect(scope == "incremental 2")

        for forbidden in [
            "DELETE FROM disbursement.run_log", "DELETE FROM disbursement.virtual_accounts", "DELETE FROM disbursement.va_ranges",
            "DELETE FROM disbursement.batches", "DELETE FROM disbursement.payouts", "DELETE FROM disbursement.holds",
            "DELETE FROM disbursement.status_files", "DELETE FROM disbursement.recon_exceptions",
            "TRUNCATE disbursement.run_log",
            "UPDATE disbursement.va_ranges SET key_fingerprint = 'x'", "UPDATE disbursement.va_ranges SET capacity = 10",
            "UPDATE disbursement.virtual_accounts SET va = '8808000000000000'", "UPDATE disbursement.payouts SET amount = 1",
            "UPDATE disbursement.payouts SET account_no = '1'", "UPDATE disbursement.run_log SET arguments = '{}'",
            "UPDATE disbursement.batches SET business_date = '2000-01-01'",
            "UPDATE registry.registrants SET full_name = 'x'", "INSERT INTO registry.decrees (decree_no) VALUES ('SK-X')",
            "DELETE FROM registry.decree_members", "SELECT email FROM registry.registrants",
            "SELECT birth_date FROM registry.registrants", "SELECT course_id FROM registry.training_completions",
            "CREATE TABLE disbursement.mine (x int)", "ALTER TABLE disbursement.payouts DROP CONSTRAINT payouts_pkey",
            "DROP TABLE disbursement.payout_totals",
            // N5: a row is opened with what the tool knows; when and how it ended are the server's.
            "INSERT INTO disbursement.run_log (command, arguments, os_user, host, pid, tool_version, started_at) VALUES ('run', '{}', 'x', 'h', 1, 'v', '2020-01-01')",
            "INSERT INTO disbursement.run_log (command, arguments, os_user, host, pid, tool_version, outcome, finished_at) VALUES ('run', '{}', 'x', 'h', 1, 'v', 'succeeded', now())",
            "INSERT INTO disbursement.run_log (run_id, command, arguments, os_user, host, pid, tool_version) VALUES (999999, 'run', '{}', 'x', 'h', 1, 'v')",
        ] {
            expectDenied(job, forbidden)
        }
    }

    /// N4: only the session that opened a run records its outcome; once that session is gone
    /// (a killed run), the next run marks the row abandoned, and nobody can change it after.
    @Test func onlyTheSessionThatOpenedARunFinishesItAndADeadOneIsMarkedAbandoned() throws {
        let env = try prepare()
        let first = try connect(env, as: "disburse_job")
        let other = try connect(env, as: "disburse_job")
        let log = try RunLog.start(first, command: "run", arguments: [], businessDate: nil, dryRun: false)
        expectDenied(other, "UPDATE disbursement.run_log SET outcome = 'succeeded', exit_code = 0 WHERE run_id = \(log.runID)")
        expectDenied(other, "UPDATE disbursement.run_log SET outcome = 'abandoned' WHERE run_id = \(log.runID)")
        expectDenied(other, "UPDATE disbursement.run_log SET message = 'fine' WHERE run_id = \(log.runID)")
        try log.finish(first, status: .success, message: nil)
        let finished = try env.connection.queryOne("SELECT outcome FROM disbursement.run_log WHERE run_id = $1", [log.runID])
        #expect(try finished.decode(0, as: String.self) == "succeeded")

        // A run killed half-way: its session ends, its row stays running until the next run.
        let killed = try connect(env, as: "disburse_job")
        let dead = try RunLog.start(killed, command: "run", arguments: [], businessDate: nil, dryRun: false)
        let pid = try killed.queryOne("SELECT pg_backend_pid()").decode(0, as: Int.self)
        #expect(try env.connection.queryOne("SELECT pg_terminate_backend($1, 60000)", [pid]).decode(0, as: Bool.self))
        let next = try RunLog.start(other, command: "reconcile", arguments: [], businessDate: nil, dryRun: false)
        let marked = try env.connection.queryOne(
            "SELECT outcome, finished_at IS NOT NULL AS finished, exit_code IS NULL AS no_code FROM disbursement.run_log WHERE run_id = $1",
            [dead.runID])
        #expect(try marked.decode("outcome", as: String.self) == "abandoned")
        #expect(try marked.decode("finished", as: Bool.self) && marked.decode("no_code", as: Bool.self))
        expectDenied(other, "UPDATE disbursement.run_log SET outcome = 'succeeded' WHERE run_id = \(dead.runID)")
        // The live run that marked it is untouched and finishes as usual.
        try next.finish(other, status: .success, message: nil)
        #expect(try env.count("SELECT count(*) FROM disbursement.run_log WHERE finished_at IS NULL") == 0)
    }

    /// A table or view a later migration adds (run as disburse_owner) is covered before
    /// roles.sql runs again: the job may add rows but not delete them; finance reads new views only.
    @Test func anApproverDecidesBatchesAndNothingElseAndTheJobCannotDecide() throws {
        let env = try prepare()
        // Each approver logs in as their own login, a member of disburse_approver (roles.sql).
        try env.connection.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'roles_test_alice') THEN CREATE ROLE roles_test_alice LOGIN IN ROLE disburse_approver; END IF; END $$")
        let alice = try connect(env, as: "roles_test_alice")
        for sql in ["SELECT * FROM disbursement.payouts", "SELECT * FROM disbursement.batches",
                    "SELECT * FROM disbursement_reports.payouts", "SELECT nik FROM registry.registrants",
                    "UPDATE disbursement.batches SET manifest_sha256 = 'x'"] {
            expectDenied(alice, sql)
        }
        let overview = try BatchRelease.overview(alice, date: BusinessDate("2020-06-01")!)
        let hash = try #require(overview.manifestSHA256)
        let job = try connect(env, as: "disburse_job")
        expectDenied(job, "SELECT disbursement.decide_batch('2020-06-01', 'APPROVED', '\(hash)', NULL)")
        expectDenied(try connect(env, as: "disburse_finance"), "SELECT * FROM disbursement.batch_for_release('2020-06-01')")
        let decided = try BatchRelease.decide(alice, date: BusinessDate("2020-06-01")!, verdict: .approved, confirmation: hash, reason: nil)
        #expect(decided.decision?.by == "roles_test_alice")
    }

    @Test func defaultPrivilegesCoverLaterMigrations() throws {
        let env = try prepare()
        try env.connection.executeScript("""
            SET ROLE disburse_owner;
            CREATE TABLE disbursement.later (id bigserial PRIMARY KEY, note text);
            CREATE VIEW disbursement_reports.later_view AS SELECT count(*) AS n FROM disbursement.later;
            RESET ROLE;
            """)
        let job = try connect(env, as: "disburse_job")
        try job.execute("INSERT INTO disbursement.later (note) VALUES ('x')")
        #expect(try job.queryOne("SELECT count(*) FROM disbursement.later").decode(0, as: Int.self) == 1)
        expectDenied(job, "DELETE FROM disbursement.later")
        let finance = try connect(env, as: "disburse_finance")
        #expect(try finance.queryOne("SELECT n FROM disbursement_reports.later_view").decode(0, as: Int.self) == 1)
        expectDenied(finance, "SELECT * FROM disbursement.later")
    }

    /// Attack 17, F25: roles.sql run before the release migrations, whose tables its default
    /// privileges then opened to the job; migration 0032 takes back the writes.
    @Test func aReleaseTableMadeAfterTheRolesIsClosedToTheJobByTheMigration() throws {
        let env = try prepare()
        try env.connection.executeScript("""
            SET ROLE disburse_owner;
            ALTER TABLE disbursement.batch_decisions RENAME TO batch_decisions_before;
            CREATE TABLE disbursement.batch_decisions (
                business_date date PRIMARY KEY, decision text NOT NULL, manifest_sha256 text NOT NULL,
                decided_by text NOT NULL, decided_at timestamptz NOT NULL DEFAULT now(), reason text);
            RESET ROLE;
            """)
        #expect(try env.connection.queryOne(
            "SELECT has_table_privilege('disburse_job', 'disbursement.batch_decisions', 'INSERT')").decode(0, as: Bool.self))
        let migration = try #require(Migration.all.first { $0.version == 32 })
        try env.connection.executeScript(migration.sql)
        let job = try connect(env, as: "disburse_job")
        expectDenied(job, "INSERT INTO disbursement.batch_decisions (business_date, decision, manifest_sha256, decided_by) VALUES ('2020-06-01', 'APPROVED', 'x', 'alice')")
        expectDenied(job, "UPDATE disbursement.batch_decisions SET decided_by = 'bob'")
        expectDenied(job, "UPDATE disbursement.release_policy SET approval = 'none'")
        expectDenied(job, "UPDATE disbursement.delivery_starts SET first_date = '2000-01-01'")
    }

    /// The owner runs migrations (and only it can): the order docs/operations.md gives.
    @Test func theOwnerMigratesAndTheOthersCannot() throws {
        let env = try prepare()
        for (role, status) in [("disburse_owner", Int32(0)), ("disburse_job", 78), ("disburse_finance", 78)] {
            var environment = env.cliEnvironment
            environment["DATABASE_URL"] = conninfo(env, as: role)
            let result = try CLI.run(["migrate"], environment: environment)
            #expect(result.status == status, "\(role): \(result.stderr)")
        }
        // Applying roles.sql twice changes nothing.
        try applyRoles(env)
        expectDenied(try connect(env, as: "disburse_job"), "DELETE FROM disbursement.run_log")
    }
}
