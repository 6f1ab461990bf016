/// How a command prints what it returns: an aligned table for people, RFC 4180 CSV (reports
/// only), or JSON for machines. One enum for every command; the job commands (run, reconcile,
/// resolve, deliver, collect) print a summary, not rows, and accept table or json.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json

    /// What a job command's summary can be printed as.
    public static let summaryFormats: [OutputFormat] = [.table, .json]
}
