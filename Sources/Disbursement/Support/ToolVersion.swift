/// The version recorded with every batch and run, and printed by `disburse --version`.
public enum ToolVersion {
    public static let current = "0.1.0"
}
