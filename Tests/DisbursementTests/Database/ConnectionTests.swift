import Foundation
import Testing

@testable import Disbursement

@Suite("libpq connection")
struct ConnectionTests {
    @Test func boundParametersCarryQuotesUnicodeAndNulls() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        let tricky = "O'Brien \"Bobby\"; DROP TABLE x; -- Siti Nur'aini Ñoño 日本 \\ $1"
        let row = try connection.queryOne("SELECT $1::text AS a, $2::text AS b, $3::bigint AS c", [tricky, nil, Int64.max])
        #expect(try row.decode("a", as: String.self) == tricky)
        #expect(try row.decodeIfPresent("b", as: String.self) == nil)
        #expect(try row.decode("c", as: Int64.self) == Int64.max)
    }

    @Test func decodingNullOrWrongTypeIsATypedErrorWithoutTheValue() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        let row = try connection.queryOne("SELECT NULL::bigint AS n, '3175012345678901'::text AS nik")
        #expect(throws: PostgresError.self) { try row.decode("n", as: Int64.self) }
        do {
            _ = try row.decode("nik", as: Bool.self)
            Issue.record("expected a decoding error")
        } catch {
            #expect(error.kind == .decoding)
            #expect(!error.description.contains("3175012345678901"))
        }
    }

    @Test func serverErrorsCarrySQLState() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        do {
            try connection.execute("SELECT 1/0")
            Issue.record("expected an error")
        } catch {
            #expect(error.sqlState == "22012")
            #expect(error.kind == .server)
        }
        // The connection is still usable after an error.
        #expect(try connection.queryOne("SELECT 2").decode(0, as: Int.self) == 2)
    }

    @Test func failedTransactionRollsBackAndReportsTheFirstError() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE public.t (id int PRIMARY KEY)")
        do {
            try connection.withTransaction {
                try connection.execute("INSERT INTO public.t VALUES (1)")
                try connection.execute("INSERT INTO public.t VALUES (1)")
            }
            Issue.record("expected a unique violation")
        } catch let error as PostgresError {
            #expect(error.isUniqueViolation)
        }
        #expect(try connection.queryOne("SELECT count(*) FROM public.t").decode(0, as: Int.self) == 0)
    }

    @Test func swallowedErrorInsideTransactionIsNotReportedAsCommitted() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE public.t (id int PRIMARY KEY)")
        #expect(throws: PostgresError.self) {
            try connection.withTransaction {
                try connection.execute("INSERT INTO public.t VALUES (1)")
                _ = try? connection.execute("SELECT 1/0")
            }
        }
        #expect(try connection.queryOne("SELECT count(*) FROM public.t").decode(0, as: Int.self) == 0)
    }

    @Test func refusedConnectionIsTypedAndHasNoPassword() throws {
        do {
            _ = try Connection(conninfo: "postgresql://disburse:s3cretPassw0rd@/nowhere?host=/nonexistent-socket-dir&connect_timeout=2")
            Issue.record("expected a connection failure")
        } catch {
            #expect(error.kind == .connectionFailed)
            #expect(error.isUnavailable)
            #expect(!error.description.contains("s3cretPassw0rd"))
        }
    }

    @Test func advisoryLockIsExclusiveBetweenSessions() throws {
        let database = try TestDatabase.make(migrated: false)
        let first = try database.connect()
        let second = try database.connect()
        #expect(try first.tryAdvisoryLock(7))
        #expect(try !second.tryAdvisoryLock(7))
        try first.advisoryUnlock(7)
        #expect(try second.tryAdvisoryLock(7))
    }

    @Test func streamingRowsVisitsEveryRowAndDrainsAfterAThrow() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        var total: Int64 = 0
        try connection.forEachRow("SELECT g FROM generate_series(1, $1::int) g", [1000]) { row in
            total += try row.decode(0, as: Int64.self)
        }
        #expect(total == 500_500)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.forEachRow("SELECT g FROM generate_series(1, 1000) g") { _ in throw Stop() }
        }
        #expect(try connection.queryOne("SELECT 3").decode(0, as: Int.self) == 3)
    }
}
