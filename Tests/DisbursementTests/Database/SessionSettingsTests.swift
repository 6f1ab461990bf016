import Foundation
import Testing

@testable import Disbursement

/// A database whose defaults are hostile (another DateStyle, time zone, money and float
/// formats, and a schema early on the search path that shadows built-in functions) must give
/// the same files, summaries and reports as a clean one: every connection pins its session.
@Suite("session settings")
struct SessionSettingsTests {
    static func populate(_ env: TestEnvironment) throws {
        try env.registry.decree("SK-1")
        for id in Int64(1)...6 { try env.registry.payableParticipant(id) }
        try env.registry.registrant(7, nik: "12")
        try env.registry.member(7)
        try env.connection.execute("UPDATE registry.payout_accounts SET provider = 'OVO', kind = 'ewallet', account_no = '0812' || lpad(registrant_id::text, 8, '0') WHERE registrant_id = 2")
    }

    static func makeHostile(_ env: TestEnvironment) throws {
        let name = env.database.name
        try env.connection.executeScript(
            """
            CREATE SCHEMA evil;
            CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT timestamptz '1999-12-31 23:00+00' $$;
            CREATE FUNCTION evil.regexp_replace(text, text, text, text) RETURNS text LANGUAGE sql AS $$ SELECT '999'::pg_catalog.text $$;
            CREATE FUNCTION evil.left(text, int) RETURNS text LANGUAGE sql AS $$ SELECT 'X'::pg_catalog.text $$;
            CREATE FUNCTION evil.to_char(timestamp, text) RETURNS text LANGUAGE sql AS $$ SELECT 'then'::pg_catalog.text $$;
            CREATE FUNCTION evil.btrim(text) RETURNS text LANGUAGE sql AS $$ SELECT 'x'::pg_catalog.text $$;
            CREATE TABLE evil.run_member (registrant_id bigint);
            ALTER DATABASE \(name) SET datestyle = 'SQL, DMY';
            ALTER DATABASE \(name) SET intervalstyle = 'sql_standard';
            ALTER DATABASE \(name) SET timezone = 'America/New_York';
            ALTER DATABASE \(name) SET lc_monetary = 'C.UTF-8';
            ALTER DATABASE \(name) SET extra_float_digits = -15;
            ALTER DATABASE \(name) SET search_path = evil, pg_catalog, public;
            """)
    }

    @Test func aPlainConnectionReadsISODatesWhateverTheDatabaseSays() throws {
        let env = try TestEnvironment()
        try Self.makeHostile(env)
        let fresh = try env.database.connect()
        let row = try fresh.queryOne(
            "SELECT DATE '2020-06-01'::text AS d, current_setting('TimeZone') AS tz, (SELECT now() > timestamptz '2020-01-01') AS now_real")
        #expect(try row.decode("d", as: String.self) == "2020-06-01")
        #expect(try row.decode("tz", as: String.self) == "Asia/Jakarta")
        #expect(try row.decode("now_real", as: Bool.self))
    }

    @Test func theNightReconcileAndEveryReportAreTheSameOnAHostileDatabase() throws {
        let clean = try TestEnvironment()
        let hostile = try TestEnvironment()
        for env in [clean, hostile] { try Self.populate(env) }
        try Self.makeHostile(hostile)

        var outputs: [[String]] = [[], []]
        for (index, env) in [clean, hostile].enumerated() {
            let night = try env.cli("run", "--date", "2020-06-01", "--format", "json")
            #expect(night.status == 0, "\(night.stderr)")
            outputs[index].append(night.stdout)
            #expect(FileManager.default.fileExists(atPath: env.output.appending(path: "2020-06-01/manifest.json").path),
                    "the first night wrote no files")
            let status = env.output.appending(path: "status.csv")
            try Data(["end_to_end_id,status,amount,reason_code,reason_text,settled_at",
                      "PK-1-T1-1,PAID,1000000,,,2020-06-02T10:00:00+07:00", "PK-3-I1-1,FAILED,600000,AC04,closed,2020-06-02",
                      "PK-4-I1-1,PENDING,600000,,,"].joined(separator: "\r\n").utf8).write(to: status)
            let reconciled = try env.cli("reconcile", status.path, "--output", "json", "--as-of", "2020-06-03")
            #expect(reconciled.status == 0 || reconciled.status == 3, "\(reconciled.stderr)")
            outputs[index].append(reconciled.stdout)
            let second = try env.cli("run", "--date", "2020-07-01", "--format", "json")
            #expect(second.status == 0, "\(second.stderr)")
            outputs[index].append(second.stdout)
        }
        #expect(outputs[0] == outputs[1])

        // Times of day differ between the two databases by construction (they ran one after
        // the other); everything the tool derives from them must not.
        for env in [clean, hostile] {
            try env.connection.executeScript(
                """
                ALTER TABLE disbursement.batches DISABLE TRIGGER batches_manifest_once;
                UPDATE disbursement.batches SET created_at = business_date + time '01:00', manifest_sha256 = NULL;
                ALTER TABLE disbursement.batches ENABLE TRIGGER batches_manifest_once;
                UPDATE disbursement.status_files SET imported_at = timestamptz '2020-06-02 12:00+07';
                UPDATE disbursement.recon_exceptions SET found_at = timestamptz '2020-06-02 12:00+07';
                """)
            try FileManager.default.removeItem(at: env.output.appending(path: "2020-06-01"))
            try FileManager.default.removeItem(at: env.output.appending(path: "2020-07-01"))
            let again = try env.cli("run", "--date", "2020-07-01")
            #expect(again.status == 0, "\(again.stderr)")
            _ = try env.cli("report", "funnel", "--refresh")
            try env.connection.execute("UPDATE disbursement.funnel_snapshots SET taken_at = timestamptz '2099-07-01 12:00+07', seconds = 1")
        }
        for day in ["2020-06-01", "2020-07-01"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: clean.output.appending(path: day).path).sorted()
            #expect(names == (try FileManager.default.contentsOfDirectory(atPath: hostile.output.appending(path: day).path).sorted()))
            for name in names {
                let a = try Data(contentsOf: clean.output.appending(path: "\(day)/\(name)"))
                let b = try Data(contentsOf: hostile.output.appending(path: "\(day)/\(name)"))
                #expect(a == b, "\(day)/\(name) differs on the hostile database")
            }
        }
        var reports: [[String]] = [[], []]
        for (index, env) in [clean, hostile].enumerated() {
            for report in ["summary", "holds", "funnel", "reconciliation"] {
                for format in ["table", "csv", "json"] {
                    let result = try env.cli("report", report, "--format", format)
                    #expect(result.status == 0, "\(report) \(format): \(result.stderr)")
                    reports[index].append(result.stdout)
                }
            }
            let html = try env.cli("report", "html")
            #expect(html.status == 0, "\(html.stderr)")
            // The page says when it was generated; that line aside it must be the same.
            reports[index].append(html.stdout.split(separator: "\n").filter { !$0.contains("enerated") }.joined(separator: "\n"))
        }
        for (a, b) in zip(reports[0], reports[1]) { #expect(a == b) }
    }
}
