extension Reconciler.Outcome: JobResult {
    /// 65 when any file was refused (the others are imported), else 3 when finance has
    /// exceptions to look at.
    public var exitStatus: ExitStatus {
        if !refused.isEmpty { return .dataError }
        return exceptionCount > 0 ? .exceptions : .success
    }

    /// Which files were imported and which refused, or how many exceptions there are.
    public var runLogMessage: String? {
        if !refused.isEmpty {
            let imported = files.map(\.file)
            return "\(refused.count) of \(refused.count + imported.count) status files refused ("
                + refused.map(\.file).joined(separator: ", ") + "); imported: "
                + (imported.isEmpty ? "none" : imported.joined(separator: ", "))
        }
        return exceptionCount > 0 ? "\(exceptionCount) exceptions" : nil
    }
}
