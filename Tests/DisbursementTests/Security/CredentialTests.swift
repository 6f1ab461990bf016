import Foundation
import Testing

@testable import Disbursement

/// A password given anywhere is never stored or printed; a field from outside echoed in an
/// error keeps only the last 4 digits of any long digit run.
@Suite("credentials and echoes")
struct CredentialTests {
    @Test(arguments: [
        ("postgresql://job:S3cret@db/prakerja", "S3cret"),
        ("postgresql://job:p%40ss%2Fword@db:5432/prakerja?sslmode=require", "p%40ss%2Fword"),
        ("postgres://job:ab%zz@db/prakerja", "ab%zz"),
        ("postgresql://job:a@b/c?d@db/prakerja", "a@b/c?d"),
        ("postgresql://job@db/prakerja?password=Hunter2&sslmode=require", "Hunter2"),
        ("postgresql://db/prakerja?pass%77ord=Hunter2", "Hunter2"),
        ("--database-url=postgresql://job:S3cret@db/prakerja", "S3cret"),
        ("host=db user=job password=S3cret dbname=prakerja", "S3cret"),
        ("host=db password = 'se cr\\'et' dbname=prakerja", "se cr\\'et"),
        ("host=db sslpassword=KeyPass dbname=prakerja", "KeyPass"),
        // libpq's own rules: any white space around `=`, backslash escapes in unquoted values.
        ("host=db password=top\\ SecretE dbname=x", "SecretE"),
        ("host=db password=\nSecretF dbname=x", "SecretF"),
        ("host=db password\n=SecretG dbname=x", "SecretG"),
        ("host=db password\r\n=\u{0B}SecretH", "SecretH"),
        ("password='a\\' SecretI' host=db", "SecretI"),
        // Second attack: "://" after the password, a combining mark after `=`, `#` in a query value.
        ("host=db user=job password=SECRET7 application_name=https://ops", "SECRET7"),
        ("host=db password=abc://SECRET1", "SECRET1"),
        ("host=db password=\u{0301}SECRET3", "SECRET3"),
        ("postgresql:///postgres?host=h&user=job&password=ab%23x#SECRET5", "SECRET5"),
    ])
    func passwordsAreMasked(_ argument: String, _ secret: String) {
        let redacted = CredentialRedaction.argument(argument)
        #expect(!redacted.contains(secret), "\(redacted)")
        #expect(redacted.contains("***"))
    }

    @Test func argumentsWithoutSecretsAreKept() {
        for argument in ["run", "--date", "2020-06-01", "postgresql://job@db/prakerja?sslmode=require", "host=db dbname=x"] {
            #expect(CredentialRedaction.argument(argument) == argument)
        }
    }

    /// The URL libpq cannot parse (a stray `%`) was echoed whole, password included, by libpq.
    @Test func aConnectionFailureSaysAFixedSentence() throws {
        let env = try TestEnvironment()
        for url in ["postgresql://postgres:Pa%zzWord9@/nodb?host=/nonexistent", "postgresql://postgres:Pa55Word9@/nodb?host=/nonexistent"] {
            let result = try CLI.run(["report", "summary", "--database-url", url], environment: env.cliEnvironment)
            #expect(result.status == 69, "\(result.stderr)")
            #expect(!result.stderr.contains("Word9"), "\(result.stderr)")
            #expect(result.stderr.contains("The database is unavailable"))
        }
    }

    @Test func thePasswordOfARunIsNeitherStoredNorPrinted() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let url = env.database.urlWithPassword("Pw%25Night%40Run7")
        var environment = env.cliEnvironment
        environment["PGPASSWORD"] = "EnvPw0rdZ9"
        let result = try CLI.run(["run", "--date", "2020-06-01", "--database-url", url, "--verbose"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let log = try env.connection.queryOne(
            "SELECT string_agg(arguments::text || coalesce(message, ''), ' ') FROM disbursement.run_log").decode(0, as: String.self)
        for secret in ["Pw%25Night%40Run7", "Pw%Night@Run7", "Night", "EnvPw0rdZ9"] {
            #expect(!log.contains(secret), "\(log)")
            #expect(!(result.stdout + result.stderr).contains(secret))
        }
        #expect(log.contains("--database-url"))
    }

    @Test func serverMessagesQuotingAValueAreMasked() throws {
        let env = try TestEnvironment()
        let error = PostgresError.from { try env.connection.execute("SELECT $1::text::bigint", ["31710000000000019x"]) }
        let text = error.map(\.description) ?? ""
        #expect(!text.isEmpty)
        #expect(!text.contains("31710000000000019"), "\(text)")
        #expect(text.contains("0019"))
    }

    @Test func echoesOfOutsideFieldsAreMaskedOnStderrAndInTheRunLog() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.run("2020-06-01")
        let lookup = try env.cli("va", "lookup", "8808123456789012")
        #expect(lookup.status == 65)
        #expect(!lookup.stderr.contains("8808123456789012") && lookup.stderr.contains("9012"), "\(lookup.stderr)")

        let folder = FileManager.default.temporaryDirectory.appending(path: "echo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "status.csv")
        let reference = try env.connection.queryOne("SELECT end_to_end_id FROM disbursement.payouts LIMIT 1").decode(0, as: String.self)
        try Data("end_to_end_id,status,amount,reason_code,reason_text,settled_at\n\(reference),PAID,1000000,,,3171000000000001\n".utf8)
            .write(to: file)
        let reconcile = try env.cli("reconcile", file.path)
        #expect(reconcile.status == 65, "\(reconcile.stderr)")
        let message = try env.connection.queryOne(
            "SELECT message FROM disbursement.run_log WHERE command = 'reconcile' ORDER BY run_id DESC LIMIT 1"
        ).decode(0, as: String.self)
        for text in [reconcile.stderr, message] {
            #expect(!text.contains("3171000000000001"), "\(text)")
        }
    }
}

extension PostgresError {
    /// What `body` threw, if it was a PostgresError.
    static func from(_ body: () throws -> Void) -> PostgresError? {
        do {
            try body()
            return nil
        } catch {
            return error as? PostgresError
        }
    }
}

extension TestDatabase {
    /// The same database as a libpq URL with a password (the throwaway cluster trusts every
    /// local login, so any password connects).
    func urlWithPassword(_ encodedPassword: String) -> String {
        let host = ProcessInfo.processInfo.environment["PGHOST"] ?? "/tmp"
        let encodedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
        return "postgresql://postgres:\(encodedPassword)@/\(name)?host=\(encodedHost)"
    }
}
