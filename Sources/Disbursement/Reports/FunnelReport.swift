/// `report funnel`: registered → verified → approved → VA → trained → paid, per wave and per
/// province: the shape finance and the press quote.
public struct FunnelReport {
    public enum Dimension: String, Sendable, CaseIterable { case wave, province }

    public var by: Dimension
    /// Count again now instead of reading the current snapshot.
    public var refresh: Bool

    public init(by: Dimension, refresh: Bool = false) {
        self.by = by
        self.refresh = refresh
    }

    static let stages = [
        "registered", "email_verified", "nik_verified", "phone_verified", "approved", "va_issued", "trained",
        "first_incentive_paid", "fully_paid",
    ]

    /// What differs between the two dimensions, each part named. Registrants are counted in
    /// one pass over the registry, and the later stages only over decree members (a quarter of
    /// it) joined to their VA, training and payouts: joining every registrant to all of those
    /// cost three times as long. By wave, members are moved out of "not in a decree" by
    /// subtracting them; by province, both parts group on the province.
    struct Grouping {
        /// Every registrant's first four stages, grouped.
        let everyone: String
        /// The group of a decree member (`member`) or of someone paid but in no decree (`orphan`).
        let member: String
        let orphan: String
        /// A member's first four stages: counted here by wave, already counted by `everyone` by province.
        let memberStages: String
        /// By wave: members subtracted from "not in a decree", where `everyone` counted them.
        let moveOut: String

        static let wave = Grouping(
            everyone: "SELECT 'not in a decree' AS grp, count(*) AS registered, count(email_verified_at) AS email_verified, count(nik_verified_at) AS nik_verified, count(phone_verified_at) AS phone_verified FROM registry.registrants",
            member: "coalesce(wave::text, 'not in a decree')",
            orphan: "'not in a decree'",
            memberStages: "count(*), count(email_verified_at), count(nik_verified_at), count(phone_verified_at)",
            moveOut: """
                UNION ALL
                SELECT 'not in a decree', -count(*), -count(email_verified_at), -count(nik_verified_at), -count(phone_verified_at),
                       0, 0, 0, 0, 0
                  FROM member
                """)

        static let province = Grouping(
            everyone: "SELECT coalesce(province_code, '?') AS grp, count(*) AS registered, count(email_verified_at) AS email_verified, count(nik_verified_at) AS nik_verified, count(phone_verified_at) AS phone_verified FROM registry.registrants GROUP BY 1",
            member: "coalesce(province_code, '?')",
            orphan: "coalesce(province_code, '?')",
            memberStages: "0, 0, 0, 0",
            moveOut: "")
    }

    static func sql(_ by: Dimension) -> String {
        let grouping = by == .wave ? Grouping.wave : Grouping.province
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
            ), member AS MATERIALIZED (
                SELECT m.wave, m.approved, m.tranches, r.province_code, r.email_verified_at, r.nik_verified_at,
                       r.phone_verified_at, v.registrant_id AS va_holder, t.registrant_id AS trainee, p.incentives
                  FROM m
                  JOIN registry.registrants r USING (registrant_id)
                  LEFT JOIN disbursement.virtual_accounts v USING (registrant_id)
                  LEFT JOIN trained t USING (registrant_id)
                  LEFT JOIN paid p USING (registrant_id)
            ), orphan AS (
                -- A VA or a paid incentive of someone no longer in any decree (the registry
                -- removed the membership): counted where the plain join counts it.
                SELECT r.province_code, x.va_holder, x.incentives
                  FROM (SELECT coalesce(v.registrant_id, p.registrant_id) AS registrant_id,
                               v.registrant_id AS va_holder, p.incentives
                          FROM disbursement.virtual_accounts v FULL JOIN paid p USING (registrant_id)) x
                  JOIN registry.registrants r USING (registrant_id)
                 WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.registrant_id = x.registrant_id)
            ), part (grp, registered, email_verified, nik_verified, phone_verified, approved, va_issued, trained,
                     first_incentive_paid, fully_paid) AS (
                SELECT e.*, 0, 0, 0, 0, 0 FROM (\(grouping.everyone)) e
                UNION ALL
                SELECT \(grouping.member), \(grouping.memberStages),
                       count(*) FILTER (WHERE approved), count(va_holder), count(trainee) FILTER (WHERE approved),
                       count(incentives), count(incentives) FILTER (WHERE incentives >= tranches)
                  FROM member GROUP BY 1
                \(grouping.moveOut)
                UNION ALL
                SELECT \(grouping.orphan), 0, 0, 0, 0, 0, count(va_holder), 0, count(incentives), 0 FROM orphan GROUP BY 1
            )
            SELECT grp, coalesce(sum(registered), 0)::bigint AS registered,
                   coalesce(sum(email_verified), 0)::bigint AS email_verified,
                   coalesce(sum(nik_verified), 0)::bigint AS nik_verified,
                   coalesce(sum(phone_verified), 0)::bigint AS phone_verified,
                   coalesce(sum(approved), 0)::bigint AS approved, coalesce(sum(va_issued), 0)::bigint AS va_issued,
                   coalesce(sum(trained), 0)::bigint AS trained,
                   coalesce(sum(first_incentive_paid), 0)::bigint AS first_incentive_paid,
                   coalesce(sum(fully_paid), 0)::bigint AS fully_paid
              FROM part
             GROUP BY ROLLUP (grp)
            HAVING sum(registered) > 0 OR grouping(grp) = 1
             ORDER BY grouping(grp), grp
            """
    }

    public func build(_ connection: Connection) throws -> ReportTable {
        table(try counted(connection))
    }

    /// The current snapshot's rows for this dimension, the total last; nil when the funnel was
    /// never counted and this role may not count it.
    public func counted(_ connection: Connection) throws -> Counted? {
        guard let snapshot = try FunnelSnapshot.current(connection, refresh: refresh) else { return nil }
        let rows = try connection.query(Self.countsQuery, [snapshot.id, by.rawValue]).map { row in
            Row(group: try row.decodeIfPresent("grp", as: String.self) ?? "TOTAL",
                counts: try Self.stages.map { try row.decode($0, as: Int64.self) })
        }
        return Counted(snapshot: snapshot, rows: rows)
    }

    func table(_ counted: Counted?) -> ReportTable {
        guard let counted else {
            return ReportTable(
                title: "Funnel by \(by.rawValue)", columns: [by.rawValue] + Self.stages,
                notes: ["The funnel has not been counted yet: the job counts it after each night (`disburse report funnel --refresh`)."])
        }
        return ReportTable(
            title: "Funnel by \(by.rawValue), counted \(counted.snapshot.takenAt) (percent of the stage before)",
            rows: counted.rows, columns: [by.rawValue] + Array(Row.columns.dropFirst()))
    }

    /// One snapshot's counts of a dimension, the total (NULL group) last.
    static let countsQuery = """
        SELECT grp, \(stages.joined(separator: ", "))
          FROM disbursement_reports.funnel_counts WHERE snapshot_id = $1 AND dimension = $2
         ORDER BY grp IS NULL, grp
        """
}
