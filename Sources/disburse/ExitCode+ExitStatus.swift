import ArgumentParser
import Disbursement

extension ExitCode {
    /// The process ends with the status the library decided (and the run log recorded).
    init(_ status: ExitStatus) { self.init(status.rawValue) }
}
