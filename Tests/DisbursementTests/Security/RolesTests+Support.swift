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
}
