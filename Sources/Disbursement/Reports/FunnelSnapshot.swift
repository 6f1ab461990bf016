/// The funnel's counts as they were when it was last counted (migration 0005 says why). A
/// snapshot is current while no night and no reconciliation has finished since it was taken;
/// upstream registry changes of the day show at the next one.
public struct FunnelSnapshot: Sendable, Equatable {
    public let id: Int64
    /// When the counts were taken, in the programme's time zone (WIB).
    public let takenAt: String

    static let takenAtText = "to_char(taken_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') || ' WIB'"

    /// The current snapshot, or a new one when there is none, it is out of date, or `refresh`.
    /// A role that may only read the reporting views (finance) cannot count: it gets the latest
    /// snapshot there is, whose time the report shows, or nil when nothing was ever counted.
    public static func current(_ connection: Connection, refresh: Bool) throws -> FunnelSnapshot? {
        if !refresh, let latest = try latest(connection, upToDate: true) { return latest }
        do {
            return try take(connection)
        } catch let error as PostgresError where error.sqlState == "42501" && !refresh {
            return try latest(connection, upToDate: false)
        }
    }

    static func latest(_ connection: Connection, upToDate: Bool) throws -> FunnelSnapshot? {
        let row = try connection.query(
            """
            SELECT snapshot_id, \(takenAtText) AS taken
              FROM disbursement_reports.funnel_snapshots
             WHERE up_to_date OR NOT $1
             ORDER BY snapshot_id DESC LIMIT 1
            """, [upToDate]
        ).first
        return try row.map { FunnelSnapshot(id: try $0.decode(0, as: Int64.self), takenAt: try $0.decode(1, as: String.self)) }
    }

    /// Counts both dimensions from one view of the data (repeatable read), and keeps them.
    public static func take(_ connection: Connection) throws -> FunnelSnapshot {
        try connection.withTransaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try connection.execute("SET LOCAL jit = off")
            let row = try connection.queryOne(
                "INSERT INTO disbursement.funnel_snapshots DEFAULT VALUES RETURNING snapshot_id, \(takenAtText)")
            let snapshot = FunnelSnapshot(id: try row.decode(0, as: Int64.self), takenAt: try row.decode(1, as: String.self))
            for dimension in FunnelReport.Dimension.allCases {
                try connection.execute(
                    """
                    INSERT INTO disbursement.funnel_counts
                    SELECT $1::bigint, $2::text, f.* FROM (\(FunnelReport.sql(dimension))) f
                    """, [snapshot.id, dimension.rawValue])
            }
            try connection.execute(
                """
                UPDATE disbursement.funnel_snapshots
                   SET seconds = round(extract(epoch FROM clock_timestamp() - taken_at)::numeric, 1)
                 WHERE snapshot_id = $1
                """, [snapshot.id])
            return snapshot
        }
    }
}
