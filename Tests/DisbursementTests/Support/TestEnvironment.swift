import Foundation
import Testing
import Logging

@testable import Disbursement

/// A database plus settings and an output folder of its own, for running whole nights.
final class TestEnvironment {
    let database: TestDatabase
    private(set) var connection: Connection
    var settings: Settings
    let key: VAKey
    let output: URL

    init(server: String? = nil, sqlASCII: Bool = false) throws {
        database = try TestDatabase.make(server: server, sqlASCII: sqlASCII)
        connection = try database.connect()
        let example = Paths.repository.appending(path: "config/disburse.example.toml")
        settings = try Settings.load(path: example.path, environment: [:])
        output = FileManager.default.temporaryDirectory.appending(path: "disburse-test-\(UUID().uuidString)")
        settings.outputDirectory = output.path
        // Git keeps no permission bits but the executable one: the checkout's key is 0644.
        chmod(settings.vaKeyFile, 0o600)
        key = try VAKey.load(path: settings.vaKeyFile, demo: settings.demo)
    }

    deinit {
        try? FileManager.default.removeItem(at: output)
    }

    /// After the server was stopped and started again.
    func reconnect() throws {
        connection = try database.connect()
    }

    var registry: Registry { Registry(connection: connection) }

    @discardableResult
    func run(_ date: String, dryRun: Bool = false, full: Bool = false, fullPassMinimum: Int = 10_000, settings override: Settings? = nil) throws -> NightlyRun.Report {
        guard let businessDate = BusinessDate(date) else { throw TestSetupError("bad date \(date)") }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let report = try NightlyRun(settings: override ?? settings, key: key, logger: logger).execute(
            try database.connect(), options: .init(businessDate: businessDate, dryRun: dryRun, full: full, fullPassMinimum: fullPassMinimum, arguments: ["run", date]))
        // Every night keeps the summary's totals exactly what the payouts say.
        #expect(try PayoutTotals.drift(connection) == 0)
        return report
    }

    func count(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws -> Int {
        try connection.queryOne(sql, parameters).decode(0, as: Int.self)
    }

    /// Every row of the tool's tables, for "nothing changed" checks.
    func snapshot() throws -> String {
        try connection.queryOne(
            """
            SELECT md5(concat_ws('|',
                (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.virtual_accounts t),
                (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.va_ranges t),
                (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.batches t),
                (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.payouts t),
                (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.holds t),
                (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM disbursement.expired t)))
            """
        ).decode(0, as: String.self)
    }

    /// The reason an entitlement is held for, or nil.
    func hold(_ id: Int64, _ kind: String, _ number: Int = 1) throws -> String? {
        try connection.query(
            "SELECT reason FROM disbursement.holds WHERE registrant_id = $1 AND kind = $2 AND number = $3 AND released_on IS NULL",
            [id, kind, number]
        ).first?.decode(0, as: String.self)
    }

    func payouts(_ id: Int64) throws -> [String] {
        try connection.query(
            "SELECT kind || number || '@' || channel FROM disbursement.payouts WHERE registrant_id = $1 ORDER BY kind, number, attempt",
            [id]
        ).map { try $0.decode(0, as: String.self) }
    }
}

extension TestEnvironment {
    /// Fills the registry with `scripts/generate`'s dirty synthetic data (sql/synthetic.sql).
    func generateSyntheticRegistry(registrants: Int, seed: Int) throws {
        try connection.executeScript(try String(contentsOf: Paths.repository.appending(path: "sql/synthetic.sql"), encoding: .utf8))
        try connection.execute("SELECT synthetic.generate($1::int, $2::int, '2020-06-01')", [registrants, seed])
    }
}
