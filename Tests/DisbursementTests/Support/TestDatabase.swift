import Foundation
import Testing

@testable import Disbursement

/// A database of its own for one test: created from a template that holds the registry schema,
/// migrated to this build's version, dropped when the test is done. Tests run in parallel, so
/// none of them share a database.
final class TestDatabase {
    let name: String
    let conninfo: String
    let server: String

    /// Where `scripts/test` put its throwaway cluster.
    static var serverConninfo: String {
        get throws {
            guard let host = ProcessInfo.processInfo.environment["PGHOST"], !host.isEmpty else {
                throw TestSetupError("PGHOST is not set: run the tests through ./scripts/test, which starts a throwaway PostgreSQL.")
            }
            return "host=\(host) user=postgres dbname=postgres"
        }
    }

    static let templateName = "disburse_registry_template"

    private init(name: String, server: String) {
        self.name = name
        self.server = server
        self.conninfo = server.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(name)")
    }

    /// A fresh database with the registry schema; with `migrated` also the tool's schema. It is
    /// made on the shared throwaway cluster unless `server` names another one.
    /// With `sqlASCII` the database is made with encoding SQL_ASCII (bytes never checked), as
    /// some old installations are.
    static func make(migrated: Bool = true, server: String? = nil, sqlASCII: Bool = false) throws -> TestDatabase {
        let server = try server ?? serverConninfo
        let admin = try Connection(conninfo: server)
        try ensureTemplate(admin, server: server)
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        // Identifiers cannot be bound; this one is generated here, never from input.
        if sqlASCII {
            try admin.execute("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'")
        } else {
            try admin.execute("CREATE DATABASE \(name) TEMPLATE \(templateName)")
        }
        let database = TestDatabase(name: String(name), server: server)
        if sqlASCII {
            try database.connect().executeScript(
                try String(contentsOf: Paths.repository.appending(path: "sql/registry.sql"), encoding: .utf8))
        }
        if migrated {
            _ = try Migrator().migrate(try database.connect())
        }
        return database
    }

    func connect() throws -> Connection {
        try Connection(conninfo: conninfo)
    }

    deinit {
        guard let admin = try? Connection(conninfo: server) else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private static func ensureTemplate(_ admin: Connection, server: String) throws {
        // One process creates the template; the others wait on the lock and then find it.
        try admin.execute("SELECT pg_advisory_lock(42)")
        defer { _ = try? admin.execute("SELECT pg_advisory_unlock(42)") }
        let exists = try admin.queryOne("SELECT count(*) FROM pg_database WHERE datname = $1", [templateName])
            .decode(0, as: Int.self) == 1
        if exists { return }
        try admin.execute("CREATE DATABASE \(templateName)")
        let template = try Connection(conninfo: server.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(templateName)"))
        try template.executeScript(try String(contentsOf: Paths.repository.appending(path: "sql/registry.sql"), encoding: .utf8))
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Paths {
    /// The repository's root, found from this file's place in it.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
