import Foundation
import Testing

@testable import Disbursement

/// The funnel is computed in two parts for speed (registry once, members joined to their
/// VA, training and payouts); it must say exactly what the plain join of every registrant to
/// every stage says, for both dimensions, on dirty synthetic data after a paid night.
@Suite("funnel report")
struct FunnelReportTests {
    static func reference(_ by: FunnelReport.Dimension) -> String {
        let group = by == .wave ? "coalesce(m.wave::text, 'not in a decree')" : "coalesce(r.province_code, '?')"
        return """
            WITH m AS (
                SELECT dm.registrant_id, min(d.wave) AS wave, bool_or(dm.status = 'approved') AS approved,
                       max(d.incentive_tranches) AS tranches
                  FROM registry.decree_members dm JOIN registry.decrees d USING (decree_no)
                 GROUP BY dm.registrant_id
            ), trained AS (
                SELECT DISTINCT registrant_id FROM registry.training_completions
                 WHERE nullif(btrim(certificate_no), '') IS NOT NULL AND rating BETWEEN 1 AND 5
                   AND nullif(btrim(review), '') IS NOT NULL
            ), paid AS (
                SELECT registrant_id, count(*) AS incentives
                  FROM disbursement.payouts WHERE kind = 'INCENTIVE' AND status = 'PAID'
                 GROUP BY registrant_id
            )
            SELECT \(group) AS grp, count(*) AS registered, count(r.email_verified_at) AS email_verified,
                   count(r.nik_verified_at) AS nik_verified, count(r.phone_verified_at) AS phone_verified,
                   count(*) FILTER (WHERE m.approved) AS approved, count(v.registrant_id) AS va_issued,
                   count(t.registrant_id) FILTER (WHERE m.approved) AS trained,
                   count(p.registrant_id) AS first_incentive_paid,
                   count(p.registrant_id) FILTER (WHERE p.incentives >= m.tranches) AS fully_paid
              FROM registry.registrants r
              LEFT JOIN m USING (registrant_id)
              LEFT JOIN disbursement.virtual_accounts v USING (registrant_id)
              LEFT JOIN trained t USING (registrant_id)
              LEFT JOIN paid p USING (registrant_id)
             GROUP BY ROLLUP (1)
             ORDER BY grouping(\(group)), 1
            """
    }

    @Test func theFastFunnelEqualsThePlainJoinForWavesAndProvinces() throws {
        let env = try TestEnvironment()
        try compare(env, expectPaid: false)  // an empty registry: one TOTAL row of zeros
        try env.generateSyntheticRegistry(registrants: 4000, seed: 7)
        #expect(try CLI.run(["run", "--date", "2020-06-01"], environment: env.cliEnvironment).status == 0)
        // Pay some incentives, all of them for a few people, so both paid stages have counts.
        try env.connection.execute("UPDATE disbursement.payouts SET status = 'PAID' WHERE kind = 'INCENTIVE' AND registrant_id % 3 = 0")
        try env.connection.execute("UPDATE registry.decrees SET incentive_tranches = 1 WHERE decree_no = (SELECT min(decree_no) FROM registry.decrees)")
        // Someone paid and then dropped from every decree upstream still counts as a VA holder
        // and as paid, under "not in a decree".
        try env.connection.execute(
            """
            DELETE FROM registry.decree_members WHERE registrant_id = (
                SELECT min(registrant_id) FROM disbursement.payouts WHERE kind = 'INCENTIVE' AND status = 'PAID')
            """)
        try compare(env, expectPaid: true)
    }

    /// Counting is slow at national scale: a report reads the snapshot until a night or a
    /// reconciliation has finished since it was taken, or until it is asked to count again.
    @Test func theSnapshotServesUntilANightOrAReconciliationFinishes() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 600, seed: 3)
        func emailVerified(refresh: Bool = false) throws -> ReportTable.Cell? {
            try FunnelReport(by: .wave, refresh: refresh).build(env.connection).rows.last?[2]
        }
        func snapshots() throws -> Int { try env.count("SELECT count(*) FROM disbursement.funnel_snapshots") }
        let before = try emailVerified()
        #expect(try snapshots() == 1)
        try env.connection.execute("UPDATE registry.registrants SET email_verified_at = NULL WHERE registrant_id % 2 = 0")
        #expect(try emailVerified() == before)
        _ = try FunnelReport(by: .province).build(env.connection)
        #expect(try snapshots() == 1)
        let after = try emailVerified(refresh: true)
        #expect(after != before)
        #expect(try snapshots() == 2)
        // A dry run changes nothing the funnel counts; a night does.
        #expect(try CLI.run(["run", "--date", "2020-06-01", "--dry-run"], environment: env.cliEnvironment).status == 0)
        #expect(try emailVerified() == after)
        #expect(try snapshots() == 2)
        #expect(try CLI.run(["run", "--date", "2020-06-01"], environment: env.cliEnvironment).status == 0)
        let funnel = try CLI.run(["report", "funnel", "--format", "csv"], environment: env.cliEnvironment)
        #expect(funnel.status == 0)
        #expect(try snapshots() == 3)
        #expect(try env.count("SELECT va_issued FROM disbursement.funnel_counts WHERE snapshot_id = 3 AND grp IS NULL AND dimension = 'wave'") > 0)
    }

    func compare(_ env: TestEnvironment, expectPaid: Bool) throws {
        for dimension in FunnelReport.Dimension.allCases {
            func rows(_ sql: String) throws -> [[String]] {
                try env.connection.query(sql).map { row in
                    try (0..<10).map { try row.decodeIfPresent($0, as: String.self) ?? "TOTAL" }
                }
            }
            let fast = try rows(FunnelReport.sql(dimension))
            let plain = try rows(Self.reference(dimension))
            #expect(fast == plain, "funnel by \(dimension)")
            // The report shows what the snapshot stored, which is what the plain join says.
            let snapshot = try FunnelSnapshot.take(env.connection)
            let stored = try rows(
                """
                SELECT grp, \(FunnelReport.stages.joined(separator: ", ")) FROM disbursement.funnel_counts
                 WHERE snapshot_id = \(snapshot.id) AND dimension = '\(dimension.rawValue)' ORDER BY grp IS NULL, grp
                """)
            #expect(stored == plain, "stored funnel by \(dimension)")
            let table = try FunnelReport(by: dimension).build(env.connection)
            #expect(table.rows.map { $0[0] } == plain.map { .text($0[0]) })
            #expect(table.rows.map { $0[1] } == plain.map { .number(Int64($0[1]) ?? -1) })
            guard expectPaid else { continue }
            #expect(plain.count > 2)
            let total = try #require(plain.last)
            #expect(total[0] == "TOTAL" && Int(total[8]) ?? 0 > 0 && Int(total[9]) ?? 0 > 0, "the data must reach the paid stages: \(total)")
        }
    }
}
