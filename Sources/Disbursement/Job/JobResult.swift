/// What a job's body returns: how the job ends and what the run log keeps of it.
public protocol JobResult {
    /// The process's exit status for this result (0, or 3/65/69/78 for a partial outcome).
    var exitStatus: ExitStatus { get }
    /// One line for `run_log.message`, when there is something to say.
    var runLogMessage: String? { get }
    /// `run_log.counts`: a JSON object.
    func runLogCounts() throws -> String
}

extension JobResult where Self: Encodable {
    public func runLogCounts() throws -> String { try JSONText.encode(self) }
}
