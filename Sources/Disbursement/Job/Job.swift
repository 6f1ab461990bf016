/// The frame every command that changes the database runs in (SPEC §5, §9): the schema is
/// checked (a database this build cannot use is refused before anything is written to it),
/// the run is recorded before anything else happens (so a refusal by the lock is on record too),
/// the run lock is taken, and the body's result or error decides the outcome and the exit
/// status the run log keeps, which are the ones the process ends with (`JobFailure`).
public struct Job: Sendable {
    public var command: String
    public var arguments: [String]
    public var businessDate: BusinessDate?
    public var dryRun: Bool
    /// Said in every run-log message of this job, whatever its outcome (e.g. `demo = true`).
    public var note: String?

    public init(command: String, arguments: [String], businessDate: BusinessDate? = nil, dryRun: Bool = false, note: String? = nil) {
        self.command = command
        self.arguments = arguments
        self.businessDate = businessDate
        self.dryRun = dryRun
        self.note = note
    }

    public func run<Result: JobResult>(_ connection: Connection, _ body: (RunLog) throws -> Result) throws -> Result {
        try Migrator().verify(connection)
        let log = try RunLog.start(connection, command: command, arguments: arguments, businessDate: businessDate, dryRun: dryRun)
        do {
            try RunLock.acquire(connection)
        } catch {
            try? log.finish(connection, status: JobFailure(error).status, message: message("\(error)"))
            throw error
        }
        defer { RunLock.release(connection) }
        do {
            let result = try body(log)
            try log.finish(connection, status: result.exitStatus, message: message(result.runLogMessage), counts: try result.runLogCounts())
            return result
        } catch {
            try? log.finish(connection, status: JobFailure(error).status, message: message("\(error)"))
            throw error
        }
    }

    private func message(_ text: String?) -> String? {
        let parts = [note, text].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension Job {
    /// Records a job that ran outside the frame (`migrate`), when the run log exists. Never
    /// throws: the job's own outcome matters more than its record.
    func record(_ connection: Connection, status: ExitStatus, message: String?) {
        guard let log = try? RunLog.start(connection, command: command, arguments: arguments, businessDate: businessDate, dryRun: dryRun)
        else { return }
        try? log.finish(connection, status: status, message: self.message(message))
    }
}
