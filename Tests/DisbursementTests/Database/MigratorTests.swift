import Foundation
import Testing

@testable import Disbursement

@Suite("migrations")
struct MigratorTests {
    @Test func migrateTwiceIsANoOp() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        let first = try Migrator().migrate(connection)
        #expect(first.applied.count == Migration.all.count)
        let second = try Migrator().migrate(connection)
        #expect(second.applied.isEmpty)
        try Migrator().verify(connection)
    }

    @Test func anEditedAppliedMigrationIsRefused() throws {
        let database = try TestDatabase.make()
        let connection = try database.connect()
        try connection.execute("UPDATE disbursement.schema_migrations SET checksum = 'tampered' WHERE version = 1")
        #expect {
            try Migrator().migrate(connection)
        } throws: { error in
            guard case Migrator.Failure.checksumMismatch = error else { return false }
            return true
        }
    }

    @Test func aDatabaseAheadOfTheToolIsRefused() throws {
        let database = try TestDatabase.make()
        let connection = try database.connect()
        try connection.execute("INSERT INTO disbursement.schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')")
        #expect {
            try Migrator().migrate(connection)
        } throws: { error in
            guard case Migrator.Failure.databaseAhead = error else { return false }
            return true
        }
    }

    @Test func anUnmigratedDatabaseIsBehind() throws {
        let database = try TestDatabase.make(migrated: false)
        #expect {
            try Migrator().verify(try database.connect())
        } throws: { error in
            guard case Migrator.Failure.behind = error else { return false }
            return true
        }
    }

    @Test func everyFileInSqlMigrationsIsCompiledIn() throws {
        let folder = Paths.repository.appending(path: "sql/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == Migration.all.map(\.fileName))
        for migration in Migration.all {
            let text = try String(contentsOf: folder.appending(path: migration.fileName), encoding: .utf8)
            #expect(text == migration.sql)
        }
    }
}
