import Foundation
import Testing

@testable import Disbursement

/// Every command that changes the database runs in one frame (`Job`): what the run log records
/// as the exit code is what the process returned, for success, partial outcomes, refusals and
/// failures alike.
@Suite("job frame")
struct JobFrameTests {
    @Test func eachCategoryHasOneExitStatusAndOneOutcome() {
        let table: [(FailureCategory, Int32)] = [
            (.usage, 64), (.inputInvalid, 65), (.unavailable, 69), (.busy, 75), (.configuration, 78), (.inconsistent, 1),
        ]
        for (category, code) in table { #expect(category.exitStatus.rawValue == code) }
        #expect(ExitStatus.success.outcome == .succeeded)
        #expect(ExitStatus.exceptions.outcome == .succeeded)
        #expect(ExitStatus.temporaryFailure.outcome == .refused)
        for status in [ExitStatus.failure, .usage, .dataError, .unavailable, .configuration] { #expect(status.outcome == .failed) }
        #expect(JobFailure(PostgresError(kind: .server, message: "permission denied", sqlState: "42501")).status == .configuration)
        #expect(JobFailure(UsageError("x")).status == .usage)
        #expect(JobFailure(CocoaError(.fileNoSuchFile)).status == .failure)
    }

    @Test func theRunLogRecordsTheExitCodeTheProcessReturned() throws {
        let env = try TestEnvironment()
        try CrashTests.populate(env)
        let folder = env.output.deletingLastPathComponent()
        func statusFile(_ body: String) throws -> String {
            let url = folder.appending(path: "status-\(UUID().uuidString).csv")
            try Data(("end_to_end_id,status,amount,reason_code,reason_text,settled_at\n" + body).utf8).write(to: url)
            return url.path
        }
        var seen: Set<Int32> = []
        func expectRecorded(_ command: String, _ arguments: [String], status: Int32) throws {
            let result = try CLI.run([command] + arguments, environment: env.cliEnvironment)
            #expect(result.status == status, "\(command) \(arguments): \(result.stderr)")
            let row = try env.connection.queryOne(
                "SELECT exit_code, outcome FROM disbursement.run_log WHERE command = $1 ORDER BY run_id DESC LIMIT 1", [command])
            let recorded = try row.decode(0, as: Int.self)
            let outcome = try row.decode(1, as: String.self)
            #expect(recorded == Int(result.status), "\(command) \(arguments) exited \(result.status) but the run log says \(recorded)")
            #expect(outcome == ExitStatus(rawValue: result.status).outcome.rawValue)
            seen.insert(result.status)
        }
        try expectRecorded("migrate", [], status: 0)
        try expectRecorded("run", ["--date", "2020-06-01"], status: 0)
        try expectRecorded("run", ["--date", "2020-05-31"], status: 64)
        try expectRecorded("reconcile", [try statusFile(""), "--as-of", "2020-06-01"], status: 0)
        try expectRecorded("reconcile", [try statusFile("NOT-A-REFERENCE,PAID,1,,,2020-06-01T10:00:00+07:00\n"), "--as-of", "2020-06-01"], status: 3)
        try expectRecorded("reconcile", [try statusFile("a,b\n\"unterminated"), "--as-of", "2020-06-01"], status: 65)
        try expectRecorded("resolve", ["NOT-A-REFERENCE", "--status", "PAID", "--reason", "test"], status: 64)

        // Another job holds the run lock: every command is refused, on record, with 75.
        #expect(try env.connection.tryAdvisoryLock(RunLock.key))
        try expectRecorded("run", ["--date", "2020-06-02"], status: 75)
        try expectRecorded("reconcile", [try statusFile(""), "--as-of", "2020-06-01"], status: 75)
        #expect(seen == [0, 3, 64, 65, 75])
    }
}
