import Foundation
import Testing

@testable import Disbursement

/// Issue 19: the call centre's role sees one participant at a time, masked, and every lookup is
/// on record before anything is handed out. Part of the serialized roles suite (roles are
/// cluster-wide).
extension RolesTests {
    static let agent = "roles_test_support_agent"

    func supportAgent(_ env: TestEnvironment) throws -> Connection {
        try env.connection.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(Self.agent)') THEN CREATE ROLE \(Self.agent) LOGIN IN ROLE disburse_support; END IF; END $$")
        return try connect(env, as: Self.agent)
    }

    func lookups(_ env: TestEnvironment) throws -> Int {
        try env.count("SELECT count(*) FROM disbursement.statement_lookups")
    }

    @Test func supportCannotSelectFromAnyTableOrViewNorCallAnythingElse() throws {
        let env = try prepare()
        let agent = try supportAgent(env)
        let relations = try env.connection.query(
            """
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('registry', 'disbursement', 'disbursement_reports') AND c.relkind IN ('r', 'v', 'm', 'p', 'S')
             ORDER BY 1
            """
        ).map { try $0.decode(0, as: String.self) }
        #expect(relations.count > 30)
        for relation in relations {
            expectDenied(agent, "SELECT * FROM \(relation) LIMIT 1")
        }
        for forbidden in [
            "SELECT disbursement.mask_last_four('x')", "SELECT disbursement.refresh_statistics('payouts')",
            "SELECT disbursement.normalize_phone('0812')", "SELECT disbursement.batch_for_release('2020-06-01')",
            "INSERT INTO disbursement.statement_lookups (id_kind, outcome) VALUES ('nik', 'found')",
            "COPY disbursement.payouts TO STDOUT", "CREATE TABLE disbursement.mine (x int)",
        ] {
            expectDenied(agent, forbidden)
        }
    }

    @Test func supportGetsOneMaskedParticipantPerCallAndNeverTwo() throws {
        let env = try prepare()
        let agent = try supportAgent(env)
        // Two registrants share a NIK: a NIK that names two people names nobody.
        try env.registry.registrant(3, nik: Registry.nik(1))
        try env.registry.registrant(4)
        func outcome(_ id: String?) throws -> String {
            let lookup = try agent.queryOne("SELECT disbursement.statement_request($1)", [id]).decode(0, as: Int64.self)
            return try agent.queryOne("SELECT disbursement.participant_statement($1) ->> 'outcome'", [lookup]).decode(0, as: String.self)
        }
        #expect(try outcome("1") == "found")
        #expect(try outcome(Registry.nik(1)) == "ambiguous")
        #expect(try outcome(Registry.nik(4)) == "found")
        // Registrant 2's NIK has 17 characters: as typed it names nobody.
        #expect(try outcome("3171000000000002X") == "malformed")
        for many in [nil, "", "%", "1,2", "{1,2}", "1 OR 1=1", "ARRAY[1,2]", "1;2", "*", "31710000000000%", "1\n2", "1234567890123456789"] {
            #expect(try outcome(many) != "found", "\(String(describing: many))")
        }
        #expect(try outcome("99999") == "not_found")
        // The functions take one text and one number: a set or an array is not a value they accept.
        expectDenied(agent, "SELECT disbursement.participant_statement(lookup_id) FROM disbursement.statement_lookups")
        #expect(PostgresError.from { try agent.execute("SELECT disbursement.statement_request(ARRAY['1','2'])") }?.sqlState == "42883")

        let lookup = try agent.queryOne("SELECT disbursement.statement_request($1)", ["1"]).decode(0, as: Int64.self)
        let text = try agent.queryOne("SELECT disbursement.participant_statement($1)::text", [lookup]).decode(0, as: String.self)
        #expect(text.contains("\"registrant_id\": 1"))
        for whole in [Registry.nik(1), Registry.phone(1), "001"] where whole.count >= 8 {
            #expect(!text.contains(whole), "unmasked \(whole)")
        }
        let va = try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts WHERE registrant_id = 1").decode(0, as: String.self)
        #expect(!text.contains(va))
        // Another login cannot read this lookup's statement.
        let other = try connect(env, as: "disburse_job")
        expectDenied(other, "SELECT disbursement.participant_statement(\(lookup))")
    }

    @Test func supportCannotSkipTheRecord() throws {
        let env = try prepare()
        let agent = try supportAgent(env)
        let before = try lookups(env)
        // Asked and read in one transaction, then rolled back: nothing is handed out.
        try agent.execute("BEGIN")
        let lookup = try agent.queryOne("SELECT disbursement.statement_request('1')").decode(0, as: Int64.self)
        expectDenied(agent, "SELECT disbursement.participant_statement(\(lookup))")
        try agent.execute("ROLLBACK")
        try agent.execute("BEGIN")
        try agent.execute("SAVEPOINT s")
        let inner = try agent.queryOne("SELECT disbursement.statement_request('1')").decode(0, as: Int64.self)
        try agent.execute("RELEASE SAVEPOINT s")
        expectDenied(agent, "SELECT disbursement.participant_statement(\(inner))")
        try agent.execute("ROLLBACK")
        #expect(try lookups(env) == before)

        // Through the CLI: each lookup, found or not, is one row with the login, the server's
        // time, the id's shape and its last four digits.
        var environment = env.cliEnvironment
        environment["DATABASE_URL"] = conninfo(env, as: Self.agent)
        let found = try CLI.run(["participant", Registry.nik(1), "--lang", "en"], environment: environment)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("Participant 1") && !found.stdout.contains(Registry.nik(1)), "\(found.stdout)")
        let missing = try CLI.run(["participant", "3171999999999999"], environment: environment)
        #expect(missing.status == ExitStatus.dataError.rawValue && missing.stderr.contains("9999"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("3171999999999999"))
        let rows = try env.connection.query(
            """
            SELECT db_login, id_kind, id_masked, outcome, coalesce(registrant_id, 0),
                   abs(extract(epoch FROM looked_up_at - now())) < 600
              FROM disbursement.statement_lookups ORDER BY lookup_id DESC LIMIT 2
            """)
        #expect(rows.count == 2)
        #expect(try rows[0].decode(0, as: String.self) == Self.agent && rows[0].decode(3, as: String.self) == "not_found")
        #expect(try rows[0].decode(2, as: String.self) == "************9999")
        #expect(try rows[1].decode(1, as: String.self) == "nik" && rows[1].decode(4, as: Int64.self) == 1)
        #expect(try rows[1].decode(5, as: Bool.self))
        // The record is append-only, for the owner too.
        for forbidden in [
            "UPDATE disbursement.statement_lookups SET db_login = 'someone'", "DELETE FROM disbursement.statement_lookups",
            "TRUNCATE disbursement.statement_lookups",
        ] {
            expectDenied(env.connection, forbidden)
        }
        expectDenied(agent, "DELETE FROM disbursement.statement_lookups")
    }

    /// 200 lookups an hour per support login, found or not: beyond that nothing is said (exit 75).
    @Test func aSupportLoginCannotLookUpMoreThan200PeopleAnHour() throws {
        let env = try prepare()
        let agent = try supportAgent(env)
        #expect(try agent.queryOne(
            "SELECT count(*) FROM (SELECT disbursement.statement_request(g::text) FROM generate_series(100000, 100199) g) x"
        ).decode(0, as: Int.self) == 200)
        var environment = env.cliEnvironment
        environment["DATABASE_URL"] = conninfo(env, as: Self.agent)
        let refused = try CLI.run(["participant", "1"], environment: environment)
        #expect(refused.status == ExitStatus.temporaryFailure.rawValue && refused.stderr.contains("200"), "\(refused.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.statement_lookups WHERE outcome = 'limited' AND registrant_id IS NULL") == 1)
        // The job's login is not a call-centre login: not limited.
        var job = env.cliEnvironment
        job["DATABASE_URL"] = conninfo(env, as: "disburse_job")
        #expect(try CLI.run(["participant", "1"], environment: job).status == 0)
    }

    /// Attack on issue 19: parallel sessions each counted below the limit (F1); a limited lookup
    /// looked the id up before saying nothing (F2); trailing blanks hid the id's last four in the
    /// record (F5); a support login could take the jobs' advisory lock (F6).
    @Test func theLimitHoldsAcrossSessionsAndALimitedLookupLooksNothingUp() throws {
        let env = try prepare()
        let first = try supportAgent(env)
        let second = try connect(env, as: Self.agent)
        try first.execute("BEGIN")
        #expect(try first.queryOne(
            "SELECT count(*) FROM (SELECT disbursement.statement_request(g::text) FROM generate_series(100000, 100149) g) x"
        ).decode(0, as: Int.self) == 150)
        // The second session waits for the first one's count instead of counting beside it.
        try second.execute("SET lock_timeout = '200ms'")
        #expect(PostgresError.from { try second.execute("SELECT disbursement.statement_request('1')") }?.sqlState == "55P03")
        try first.execute("COMMIT")
        try second.execute("SET lock_timeout = 0")
        try second.execute("SELECT disbursement.statement_request(g::text) FROM generate_series(200000, 200059) g")
        #expect(try env.count("SELECT count(*) FROM disbursement.statement_lookups WHERE outcome = 'limited'") == 10)
        // Limited: the 16 digits are not even looked up, so the record cannot say VA or NIK.
        let limited = try second.queryOne("SELECT disbursement.statement_request($1)", [Registry.nik(1) + "    "]).decode(0, as: Int64.self)
        let row = try env.connection.queryOne(
            "SELECT id_kind, outcome, id_masked FROM disbursement.statement_lookups WHERE lookup_id = $1", [limited])
        #expect(try row.decode(0, as: String.self) == "nik_or_va" && row.decode(1, as: String.self) == "limited")
        #expect(try row.decode(2, as: String.self).hasSuffix(String(Registry.nik(1).suffix(4))))
        expectDenied(second, "SELECT pg_advisory_lock(1)")
        expectDenied(second, "SELECT pg_try_advisory_lock(1)")
        expectDenied(second, "SELECT pg_advisory_xact_lock(1, 2)")
    }

    /// Attack on issue 19: a NIK put in a decree number or a provider with separators was shown
    /// whole (F3); a decree the night does not see in force chose the statement's scheme (F4); a
    /// registry NIK that reads like one of our VA numbers showed the VA's holder (F7).
    @Test func hostileRegistryTextIsMaskedAndTheDecreeIsTheNightsOne() throws {
        let env = try prepare()
        let agent = try supportAgent(env)
        let nik = Registry.nik(1)
        let spaced = stride(from: 0, to: 16, by: 4).map { i in
            String(nik[nik.index(nik.startIndex, offsetBy: i)..<nik.index(nik.startIndex, offsetBy: i + 4)])
        }.joined(separator: " ")
        try env.connection.execute("INSERT INTO registry.decree_members (decree_no, registrant_id, status) VALUES ($1, 1, 'revoked')",
                                   ["SK-9 " + spaced])
        try env.connection.execute(
            "INSERT INTO registry.decrees (decree_no, wave, issued_on, training_amount, incentive_amount, incentive_tranches, incentive_interval_days, survey_amount, survey_count, payable_until) VALUES ('SK-099/2090', 99, '2090-01-01', 9000000, 7000000, 4, 30, 50000, 3, '2091-01-01')")
        try env.connection.execute("INSERT INTO registry.decree_members (decree_no, registrant_id, status) VALUES ('SK-099/2090', 1, 'approved')")
        func statement(_ id: String) throws -> String {
            let lookup = try agent.queryOne("SELECT disbursement.statement_request($1)", [id]).decode(0, as: Int64.self)
            return try agent.queryOne("SELECT disbursement.participant_statement($1)::text", [lookup]).decode(0, as: String.self)
        }
        let text = try statement("1")
        #expect(!text.contains(spaced) && !text.contains(String(spaced.prefix(9))), "\(text)")
        let decree = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["decree"] as? [String: Any]
        #expect(decree?["decree_no"] as? String == "SK-1", "a decree issued in 2090 is not in force: \(text)")
        #expect(try env.connection.queryOne("SELECT disbursement.mask_numbers('BCA 6499-3082-4064-1392 / SK-003/2020')")
            .decode(0, as: String.self) == "BCA ****-****-****-1392 / SK-003/2020")

        let va = try env.connection.queryOne("SELECT va FROM disbursement.virtual_accounts WHERE registrant_id = 1").decode(0, as: String.self)
        try env.connection.execute("UPDATE registry.registrants SET nik = $1 WHERE registrant_id = 2", [va])
        #expect(try statement(va).contains("\"ambiguous\""))
    }
}
