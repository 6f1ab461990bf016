import Foundation
import Testing

@testable import Disbursement

/// Interpolated values are bound, never pasted: a value that is SQL stays a value.
@Suite("SQL query interpolation")
struct SQLQueryTests {
    @Test func valuesBecomeNumberedBindsAndFragmentsStayText() {
        let table = "disbursement.payouts"
        let query: SQLQuery = "SELECT count(*) FROM \(unescaped: table) WHERE registrant_id = \(Int64(7)) AND kind = \("TRAINING") AND x = \(nil)"
        #expect(query.sql == "SELECT count(*) FROM disbursement.payouts WHERE registrant_id = $1 AND kind = $2 AND x = $3")
        #expect(query.binds.map { $0?.postgresText } == ["7", "TRAINING", nil])
    }

    @Test func aValueThatIsSQLIsReadBackAsText() throws {
        let env = try TestEnvironment()
        let hostile = "x'); DROP TABLE disbursement.run_log; --"
        let row = try env.connection.row("SELECT \(hostile)::text, \(Optional<String>.none)::text IS NULL")
        #expect(try row.decode(0, as: String.self) == hostile)
        #expect(try row.decode(1, as: Bool.self))
        #expect(try env.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'disbursement' AND tablename = 'run_log'") == 1)
    }
}
