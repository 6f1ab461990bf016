import Foundation

/// Programs from outside the project that some tests run. Each is looked up once per test
/// process; a missing one fails its tests with one sentence naming the Debian package
/// (./scripts/test installs them), not with a Foundation error per case.
struct ExternalTool: Sendable {
    let name: String
    let package: String
    let path: String?

    static let xmllint = ExternalTool(name: "xmllint", package: "libxml2-utils")
    static let python3 = ExternalTool(name: "python3", package: "python3")
    static let sshd = ExternalTool(name: "sshd", package: "openssh-server")
    static let sshKeygen = ExternalTool(name: "ssh-keygen", package: "openssh-client")
    static let gpg = ExternalTool(name: "gpg", package: "gnupg")
    static let gpgconf = ExternalTool(name: "gpgconf", package: "gnupg")

    private init(name: String, package: String) {
        self.name = name
        self.package = package
        // sshd lives in /usr/sbin, which a non-root PATH often lacks.
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin"
        path = searchPath.split(separator: ":").lazy
            .map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The program's path, or an error that says which package to install.
    func located() throws -> String {
        guard let path else { throw Missing(tool: self) }
        return path
    }

    struct Missing: Error, CustomStringConvertible {
        let tool: ExternalTool
        var description: String {
            "\(tool.name) is not installed: run ./scripts/test (it installs what is missing) or apt-get install \(tool.package)."
        }
    }
}
