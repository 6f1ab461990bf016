extension Migrator {
    /// `disburse migrate` as a job: recorded in the run log with the exit status the process
    /// returns. It is recorded after the fact, because before the first migration there is no
    /// run log, and it takes its own lock (`lockKey`) rather than the run lock, so a migration
    /// can wait for a night to finish instead of being refused.
    public func migrate(_ connection: Connection, arguments: [String]) throws -> Outcome {
        let job = Job(command: "migrate", arguments: arguments)
        do {
            let outcome = try migrate(connection)
            job.record(connection, status: .success, message: outcome.applied.joined(separator: ", "))
            return outcome
        } catch {
            // Recorded where the run log exists already (e.g. a database newer than this build).
            job.record(connection, status: JobFailure(error).status, message: "\(error)")
            throw error
        }
    }
}
