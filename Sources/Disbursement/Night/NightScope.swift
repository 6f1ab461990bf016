import Logging

/// Whom a night decides (issue 15, docs/design.md "Incremental nights"). The first night, a
/// night after a change of settings or tool version, and `run --full` decide every member
/// (`full`). Every other night decides only the participants whose outcome can have changed
/// since the last batch (`incremental`): registry rows written since then (PostgreSQL's row
/// versions, never the platform's timestamps), decrees whose scheme or standing changed,
/// tranches falling due, holds, retries and open conflicts. Both give the same batch; a test
/// runs the same nights both ways and compares them byte for byte.
struct NightScope: Sendable {
    enum Kind: String, Sendable { case full, incremental }

    var kind: Kind
    /// Why the night is full, in a few words; nil for an incremental night.
    var reason: String?
    /// The rules tonight decides by (`rulesFingerprint` and the database's own functions).
    var rules: String

    /// Decides the scope and binds what its statements read: the horizon of this night (the
    /// next night starts there) and, for an incremental night, the last batch's date and horizon.
    /// Must run first in the night's transaction, before any registry row is read.
    static func open(_ connection: Connection, date: BusinessDate, settings: Settings, forceFull: Bool) throws -> NightScope {
        try connection.execute(NightScopeSQL.bindHorizon)
        let functions = try connection.queryOne(NightScopeSQL.functionsDigest).decode(0, as: String.self)
        let rules = rulesFingerprint + "/" + functions
        guard let last = try connection.query(NightScopeSQL.lastNight, [date]).first else {
            return NightScope(kind: .full, reason: "first night", rules: rules)
        }
        let reason: String?
        if forceFull {
            reason = "--full"
        } else if try last.decodeIfPresent("registry_horizon", as: String.self) == nil {
            reason = "the last batch was made before incremental nights"
        } else if try last.decode("settings_fingerprint", as: String.self) != settings.fingerprint {
            reason = "the settings changed since the last batch"
        } else if try last.decode("tool_version", as: String.self) != ToolVersion.current
                    || last.decodeIfPresent("rules", as: String.self) != rules {
            reason = "another version of disburse (or of its rules) made the last batch"
        } else if try last.decode("wrapped", as: Bool.self) {
            reason = "over two billion transactions since the last batch"
        } else {
            reason = nil
        }
        guard reason == nil else { return NightScope(kind: .full, reason: reason, rules: rules) }
        try connection.execute(
            NightScopeSQL.bindLastNight,
            [try last.decode("business_date", as: BusinessDate.self), try last.decode("registry_horizon", as: String.self),
             try last.decode("member_rows", as: Int64.self), try last.decode("account_rows", as: Int64.self)])
        return NightScope(kind: .incremental, reason: nil, rules: rules)
    }

    var incremental: Bool { kind == .incremental }

    /// The rules the kept state was worked out by: every migration's checksum (the shared SQL
    /// functions, `account_key`, `normalize_phone`, …) and the night's own statements; with
    /// `NightScopeSQL.functionsDigest`, the functions as the database has them (a function
    /// replaced by hand counts too). The tool version alone is not enough: it does not move
    /// with every change of a rule.
    static let rulesFingerprint: String = {
        let parts = Migration.all.map { "\($0.version):\($0.checksum)" } + NightScopeSQL.statements
        return Digest.sha256Hex(Array(parts.joined(separator: "\u{1F}").utf8))
    }()

    /// The participants an incremental night decides (`run_touched`), after `run_decree` and
    /// `run_conflict` exist, and every registrant's account number brought up to date
    /// (`account_numbers`). Returns how many registrants had rows deleted unseen (their count of
    /// membership or account rows changed while nothing of theirs was written). `checkpoint`
    /// is called once the registry's totals are counted (crash and race tests).
    ///
    /// An incremental night that would decide at least half of the participants (a tranche
    /// falling due for most), when there are at least `fullPassMinimum`, turns full: there one
    /// sorted pass over everyone is cheaper than reading each person's rows through indexes
    /// (bench/README.md), and the batch is the same either way.
    mutating func collectTouched(_ connection: Connection, fullPassMinimum: Int, checkpoint: (String) -> Void) throws -> Int {
        try connection.execute(NightScopeSQL.decreeFingerprints)
        try connection.execute(NightScopeSQL.countRows)
        checkpoint("registry counted")
        if incremental {
            // Tranches falling due are most of a tranche night: counted first (one scan of the
            // kept state), they decide the switch before the reasons are collected one by one,
            // which cost 2–10 s at 1–4 M registrants on such a night.
            try switchToFullIfMost(connection, NightScopeSQL.dueShare, fullPassMinimum: fullPassMinimum)
        }
        if incremental {
            for statement in NightScopeSQL.touched { try connection.execute(statement) }
            try switchToFullIfMost(connection, NightScopeSQL.touchedShare, fullPassMinimum: fullPassMinimum)
        }
        guard incremental else {
            try connection.execute(NightScopeSQL.allAccounts)
            try connection.execute(NightScopeSQL.analyzeAllAccounts)
            for statement in NightScopeSQL.keepAllAccountNumbers { try connection.execute(statement) }
            try connection.execute(NightScopeSQL.refreshAccountNumberStatistics)
            return 0
        }
        var recounted = try RowCountGuard.members.countChangedRegistrants(connection)
        for statement in NightScopeSQL.accountsChanged { try connection.execute(statement) }
        recounted += try RowCountGuard.accounts.countChangedRegistrants(connection)
        for statement in NightScopeSQL.keepChangedAccountNumbers { try connection.execute(statement) }
        return recounted
    }

    /// `share` answers `touched` (a lower bound of whom the night would decide) and
    /// `participants`; at least half of at least `fullPassMinimum` makes the night full.
    private mutating func switchToFullIfMost(_ connection: Connection, _ share: String, fullPassMinimum: Int) throws {
        let row = try connection.queryOne(share)
        let touched = try row.decode("touched", as: Int64.self), participants = try row.decode("participants", as: Int64.self)
        guard participants >= fullPassMinimum, touched * 2 >= participants else { return }
        kind = .full
        reason = "\(touched.grouped) of \(participants.grouped) participants could have changed, so one pass over everyone is cheaper"
    }

    /// Keeps what the next night needs: per participant the membership rows and the next day a
    /// tranche falls due, per decree its fingerprint, and this night's scope and horizon.
    func record(_ connection: Connection) throws -> Int64 {
        if incremental {
            for statement in NightScopeSQL.keepTouchedState { try connection.execute(statement) }
        } else {
            for statement in NightScopeSQL.keepAllState { try connection.execute(statement) }
        }
        for statement in NightScopeSQL.keepDecreeState { try connection.execute(statement) }
        return try connection.queryOne(
            NightScopeSQL.recordScope(incremental: incremental), [kind.rawValue, reason, rules]
        ).decode("touched", as: Int64.self)
    }
}
