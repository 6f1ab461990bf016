/// Brings the `disbursement` schema to the version this build expects.
public struct Migrator {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case databaseAhead(databaseVersion: Int, toolVersion: Int)
        case checksumMismatch(migration: String)
        case behind(databaseVersion: Int, toolVersion: Int)

        public var description: String {
            switch self {
            case let .databaseAhead(database, tool):
                return "The database schema is at migration \(database) but this disburse only knows up to \(tool): install the newer disburse that migrated it."
            case let .checksumMismatch(migration):
                return "Migration \(migration) was changed after it was applied to this database: restore the original file; never edit an applied migration, add a new one."
            case let .behind(database, tool):
                return "The database schema is at migration \(database) but this disburse needs \(tool): run `disburse migrate` first."
            }
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var applied: [String]
        public var currentVersion: Int
    }

    let migrations: [Migration]
    /// Serialises concurrent `migrate` calls; any constant the run lock does not use.
    static let lockKey: Int64 = 0x6469_7362_6D69_6772

    public init(migrations: [Migration] = Migration.all) {
        self.migrations = migrations
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is missing, each migration in its own transaction. Idempotent.
    public func migrate(_ connection: Connection) throws -> Outcome {
        try connection.execute("SET client_min_messages = warning")
        try connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.execute("CREATE SCHEMA IF NOT EXISTS disbursement")
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS disbursement.schema_migrations (
                version    int PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """)
        let applied = try verify(connection, requireCurrent: false)
        var newlyApplied: [String] = []
        for migration in migrations where !applied.contains(migration.version) {
            try connection.withTransaction {
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO disbursement.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, migration.checksum])
            }
            newlyApplied.append(migration.fileName)
        }
        return Outcome(applied: newlyApplied, currentVersion: latestVersion)
    }

    /// Checks that the database is exactly at this build's version (what `run` and the other
    /// commands need), or, with `requireCurrent: false`, only that nothing applied was altered
    /// and nothing is newer. Returns the applied versions. Reports read the versions through
    /// the reporting view (migration 0012), the only thing finance's role may read.
    @discardableResult
    public func verify(_ connection: Connection, requireCurrent: Bool = true, throughReportingViews: Bool = false) throws -> Set<Int> {
        let table = throughReportingViews ? "disbursement_reports.schema_migrations" : "disbursement.schema_migrations"
        let exists = try connection.queryOne("SELECT to_regclass($1) IS NOT NULL", [table]).decode(0, as: Bool.self)
        guard exists else {
            if requireCurrent { throw Failure.behind(databaseVersion: 0, toolVersion: latestVersion) }
            return []
        }
        let rows = try connection.query("SELECT version, checksum FROM \(table) ORDER BY version")
        var applied: Set<Int> = []
        for row in rows {
            let version = try row.decode(0, as: Int.self)
            let checksum = try row.decode(1, as: String.self)
            guard let known = migrations.first(where: { $0.version == version }) else {
                throw Failure.databaseAhead(databaseVersion: version, toolVersion: latestVersion)
            }
            guard known.checksum == checksum else { throw Failure.checksumMismatch(migration: known.fileName) }
            applied.insert(version)
        }
        if requireCurrent, migrations.contains(where: { !applied.contains($0.version) }) {
            throw Failure.behind(databaseVersion: applied.max() ?? 0, toolVersion: latestVersion)
        }
        return applied
    }
}
