import Foundation
import Logging

/// The nightly job for one business date: issue VAs, work out what is due, hold what cannot be
/// paid, record the batch, then write its files. The database part is one transaction, so a
/// killed run leaves either all of its batch or nothing; the files are rendered from what was
/// recorded, so they can always be written again.
public struct NightlyRun {
    public struct Options: Sendable {
        public var businessDate: BusinessDate
        public var dryRun: Bool
        /// Decide every member, as the first night does, instead of only those whose outcome can
        /// have changed since the last batch (`run --full`; the same batch either way).
        public var full: Bool
        /// An incremental night that would decide at least half of the participants, when there
        /// are at least this many, decides everyone instead: one sorted pass is cheaper there
        /// than reading each person's rows (bench/README.md, "Incremental nights"). Tests lower it.
        public var fullPassMinimum: Int
        public var arguments: [String]

        public init(businessDate: BusinessDate, dryRun: Bool, full: Bool = false, fullPassMinimum: Int = 10_000, arguments: [String]) {
            self.businessDate = businessDate
            self.dryRun = dryRun
            self.full = full
            self.fullPassMinimum = fullPassMinimum
            self.arguments = arguments
        }
    }

    public struct Report: JobResult, Sendable {
        public var summary: RunSummary
        /// The batch existed already: nothing new was created.
        public var alreadyRecorded: Bool
        public var dryRun: Bool
        /// Files written (or rewritten) by this run, relative to the output folder.
        public var filesWritten: [String]
        public var runID: Int64

        public var exitStatus: ExitStatus { .success }
        public var runLogMessage: String? { alreadyRecorded ? "batch already recorded" : nil }
        public func runLogCounts() throws -> String { try summary.json() }
    }

    let settings: Settings
    let key: VAKey
    let logger: Logger
    /// Called at each named point of the run (after a phase, before and after commit, after
    /// each file). The executable uses it for crash testing; it is a no-op otherwise.
    let checkpoint: @Sendable (String) -> Void

    public init(settings: Settings, key: VAKey, logger: Logger, checkpoint: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.key = key
        self.logger = logger
        self.checkpoint = checkpoint
    }

    public func execute(_ connection: Connection, options: Options) throws -> Report {
        // A demo's settings accept published keys: never silent, in the mail and in the run log.
        if settings.demo {
            logger.warning("The settings say demo = true: a published VA key is accepted, so anyone could compute the VA numbers; never pay real money with these settings.")
        }
        let job = Job(
            command: "run", arguments: options.arguments, businessDate: options.businessDate, dryRun: options.dryRun,
            note: settings.demo ? "demo = true in the settings (published VA keys accepted)" : nil)
        return try job.run(connection) { log in try executeLocked(connection, options: options, runID: log.runID) }
    }

    private func executeLocked(_ connection: Connection, options: Options, runID: Int64) throws -> Report {
        let date = options.businessDate
        let files = BatchFiles(settings: settings, logger: logger, checkpoint: checkpoint)
        // The key is checked on every run, a re-run of a recorded date too (SPEC §4).
        try VirtualAccountIssuer(prefixes: settings.vaPrefixes, key: key).bindRanges(connection, bind: false)
        if let stored = try connection.query(NightSQL.recordedSummary, [date]).first {
            logger.info("The batch for \(date) is already recorded; checking its files.")
            let summary = try RunSummary.fromJSON(try stored.decode(0, as: String.self))
            let written = options.dryRun ? [] : try files.ensureAll(connection, through: date)
            return Report(summary: summary, alreadyRecorded: true, dryRun: options.dryRun, filesWritten: written, runID: runID)
        }
        if let latest = try connection.queryOne(NightSQL.latestBatch)
            .decodeIfPresent(0, as: BusinessDate.self), latest > date
        {
            throw UsageError(
                "A batch for \(latest) exists already, so \(date) cannot be run now: batches move forward in time. Run \(latest) again or a later date.")
        }
        // The output folder is checked before the night's work: refused only when the files
        // are written, it left a committed batch without files after the whole night's work.
        if !options.dryRun { _ = try OutputFolder.open(settings.outputDirectory) }
        // Files of an earlier night that was cut short are finished first, so the chain holds.
        var written = options.dryRun ? [] : try files.ensureAll(connection, through: date)

        let summary: RunSummary
        if options.dryRun {
            summary = try recordBatch(connection, date: date, runID: runID, options: options, commit: false)
        } else {
            summary = try recordBatch(connection, date: date, runID: runID, options: options, commit: true)
            written += try files.ensureAll(connection, through: date)
        }
        return Report(summary: summary, alreadyRecorded: false, dryRun: options.dryRun, filesWritten: written, runID: runID)
    }

    /// The whole database side of a night in one transaction. A dry run executes exactly the
    /// same statements and rolls back.
    private func recordBatch(_ connection: Connection, date: BusinessDate, runID: Int64, options: Options, commit: Bool) throws -> RunSummary {
        let summary = try connection.withTransaction(rollbackOnly: !commit) {
            let summary = try recordBatchStatements(connection, date: date, runID: runID, options: options)
            if commit { checkpoint("before-commit") }
            return summary
        }
        if commit { checkpoint("after-commit") }
        return summary
    }

    private func recordBatchStatements(_ connection: Connection, date: BusinessDate, runID: Int64, options: Options) throws -> RunSummary {
        try connection.execute(NightSQL.oneSnapshot)
        // First, before any registry row is read: where the next night's news begins.
        var scope = try NightScope.open(connection, date: date, settings: settings, forceFull: options.full)
        try connection.execute(NightSQL.noJIT)
        try connection.execute(NightSQL.workMemory)
        try EligibilitySQL.bind(connection, date: date, settings: settings)
        try connection.run(NightSQL.recordBatch(date: date, runID: runID, settings: settings))
        let issuer = VirtualAccountIssuer(prefixes: settings.vaPrefixes, key: key)
        try issuer.bindRanges(connection)
        try timed("members") {
            try connection.execute(EligibilitySQL.decrees)
            try connection.execute(EligibilitySQL.decreesIndex)
            try connection.execute(ConflictHoldSQL.openConflicts)
            // Usually empty: without statistics the planner guessed hundreds of rows and hashed
            // every entitlement of the night to probe it in `decisions`.
            try connection.execute(NightSQL.analyzeConflicts)
            let recounted = try scope.collectTouched(connection, fullPassMinimum: options.fullPassMinimum, checkpoint: checkpoint)
            if recounted > 0 {
                logger.info("Membership rows were deleted from the registry: \(recounted.grouped) participant(s) whose rows changed are decided again.")
            }
            try connection.execute(EligibilitySQL.members(touchedOnly: scope.incremental))
            try connection.execute(EligibilitySQL.membersIndex)
            try connection.execute(NightSQL.analyzeMembers)
            try warnAboutInvalidDecrees(connection)
        }
        let issued = try timed("virtual accounts") {
            try connection.execute(EligibilitySQL.newVirtualAccounts)
            try connection.execute(EligibilitySQL.newVirtualAccountsIndex)
            let issued = try issuer.issue(connection, date: date, runID: runID, checkpoint: checkpoint)
            if issued > 0 { try connection.execute(NightSQL.refreshVirtualAccountStatistics) }
            return issued
        }
        try timed("entitlements") {
            try connection.execute(EligibilitySQL.schemes)
            try connection.execute(NightSQL.analyzeSchemes)
            for statement in EligibilitySQL.keepFirstCompletions { try connection.execute(statement) }
            try connection.execute(EligibilitySQL.entitlements)
            try connection.execute(NightSQL.analyzeEntitlements)
            try connection.execute(EligibilitySQL.expire)
        }
        try timed("holds and payouts") {
            for statement in scope.incremental ? EligibilitySQL.touchedDuplicateNIKs : EligibilitySQL.duplicateNIKs {
                try connection.execute(statement)
            }
            try connection.execute(EligibilitySQL.persons(fromAllAccounts: !scope.incremental))
            try indexPersons(connection)
            if scope.incremental { try connection.execute(EligibilitySQL.markDuplicateNIKs) }
            try connection.execute(NightSQL.analyzePersons)
            try connection.execute(EligibilitySQL.sharedAccountHistory)
            try connection.execute(EligibilitySQL.reregisteredNIKs)
            try connection.execute(EligibilitySQL.decisions)
            try connection.execute(NightSQL.analyzeDecisions)
            try warnAboutWithdrawnCompletions(connection)
            let written = try connection.execute(EligibilitySQL.payouts)
            try connection.execute(EligibilitySQL.batchTotals)
            try connection.execute(NightSQL.refreshPayoutStatistics, [Int64(written)])
            checkpoint("payouts written")
            try connection.execute(EligibilitySQL.releaseHolds)
            try connection.execute(EligibilitySQL.newHolds)
            try connection.execute(ConflictHoldSQL.holds)
            try connection.execute(EligibilitySQL.recordNIKs)
        }
        let touched = try timed("what the next night needs") { try scope.record(connection) }
        logger.info(
            scope.incremental
                ? "Decided \(touched.grouped) participant(s) whose outcome could have changed since the last batch."
                : "Decided every participant (\(touched.grouped)): \(scope.reason ?? "a full night")."
        )
        try timed("proof per decree") { try DecreeProof.check(connection) }
        let summary = try RunSummary.collect(connection, date: date, virtualAccountsIssued: issued)
        try connection.execute(NightSQL.recordSummary, [date, try summary.json()])
        return summary
    }

    /// A registrant id the registry lists twice is rare: building the primary key finds it, and
    /// only then are those persons corrected (`ambiguousPersons`), instead of two passes over
    /// every person each night to find nothing.
    private func indexPersons(_ connection: Connection) throws {
        do {
            _ = try connection.withSavepoint("run_person_key") { try connection.execute(EligibilitySQL.personsIndex) }
        } catch let error as PostgresError where error.sqlState == "23505" {
            for statement in EligibilitySQL.ambiguousPersons { try connection.execute(statement) }
            try connection.execute(EligibilitySQL.personsIndex)
        }
    }

    /// A decree that cannot be paid as written holds its members and the night goes on; the
    /// operator hears about it on stderr (cron mails warnings), naming the decree.
    private func warnAboutInvalidDecrees(_ connection: Connection) throws {
        for row in try connection.query(EligibilitySQL.invalidDecrees) {
            let name = try row.decodeIfPresent("decree_no", as: String.self).map { "Decree \"\(Masking.digitRuns(Masking.printable($0)))\"" }
                ?? "A decree membership without a decree number"
            let members = try row.decode("members", as: Int.self)
            let problem = try row.decode("problem", as: String.self)
            logger.warning(
                "\(name) \(problem): its \(members.grouped) member(s) are held INVALID_DECREE and the night goes on for everyone else. Ask the registry team to correct the decree.")
        }
    }

    /// Incentives and surveys of members whose qualifying completion stopped qualifying are held
    /// COMPLETION_WITHDRAWN, never dropped; the operator hears how many (cron mails warnings).
    private func warnAboutWithdrawnCompletions(_ connection: Connection) throws {
        let row = try connection.queryOne(EligibilitySQL.withdrawnCompletions)
        let members = try row.decode("members", as: Int.self)
        guard members > 0 else { return }
        let entitlements = try row.decode("entitlements", as: Int.self)
        let amount = try row.decode("amount", as: Int64.self)
        logger.warning(
            "\(members.grouped) participant(s) whose training qualified earlier no longer have a qualifying completion in the registry (review, rating or certificate changed): \(entitlements.grouped) incentive or survey payment(s), Rp\(amount.grouped), are held COMPLETION_WITHDRAWN. Ask the registry team to check those completions; `disburse report holds` lists them.")
    }

    /// On a terminal the operator sees each phase start and end; under cron the logger is at
    /// warning level and says nothing.
    private func timed<T>(_ phase: String, _ body: () throws -> T) throws -> T {
        logger.info("\(phase)…")
        let start = ContinuousClock.now
        let value = try body()
        logger.info("\(phase) done in \(ContinuousClock.now - start)")
        checkpoint(phase)
        return value
    }
}
