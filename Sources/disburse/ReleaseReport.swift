import ArgumentParser
import Disbursement
import Foundation

/// What `deliver` and `collect` return: a report per channel that may end partly done.
protocol ReleaseReport: JobResult {
    func table() -> String
    func json() throws -> String
    /// What went wrong, for stderr; nil when every channel was served.
    var problem: String? { get }
}

extension Delivery.Report: ReleaseReport {}
extension StatusCollection.Report: ReleaseReport {}

/// Prints the report, says its problem on stderr, and ends with its exit status: the other
/// channels were served either way.
func finish(_ report: some ReleaseReport, format: OutputFormat) throws {
    print(format == .json ? try report.json() : report.table(), terminator: "")
    if let problem = report.problem { FileHandle.standardError.write(Data("disburse: \(problem)\n".utf8)) }
    if report.exitStatus != .success { throw ExitCode(report.exitStatus) }
}
