import Foundation

/// A program from outside (gpg, sftp, ssh-keyscan) run to completion or to its time limit,
/// in a process group of its own that is killed whole when the limit passes (a server that
/// accepts the login and never answers must not hold the run lock for ever). Its output goes to
/// temporary files rather than pipes, so a chatty program never blocks on a full pipe and no
/// reader thread is needed.
struct ExternalProgram {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// Killed because it ran longer than its limit.
        let timedOut: Bool
    }

    /// For the helpers (gpgconf) that have no setting of their own.
    static let defaultLimit = 60

    let name: String
    let package: String
    let path: String

    static func locate(_ name: String, package: String) throws(SettingsError) -> ExternalProgram {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let path = (searchPath.split(separator: ":").map { "\($0)/\(name)" } + ["/usr/bin/\(name)"])
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw SettingsError("\(name) is not installed: apt-get install \(package), then run this again.")
        }
        return ExternalProgram(name: name, package: package, path: path)
    }

    func run(_ arguments: [String], input: String = "", environment: [String: String] = [:], limit: Int) throws -> Result {
        let scratch = try TemporaryFolder()
        let inPath = scratch.path + "/in", outPath = scratch.path + "/out", errPath = scratch.path + "/err"
        guard FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SettingsError("Cannot create a temporary file in \(scratch.path): check TMPDIR and free space.")
        }
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        // Messages in English whatever the machine's locale, so they can be recognised.
        merged["LC_ALL"] = "C"
        let pid = try Spawn.start(path, arguments, environment: merged, stdin: inPath, stdout: outPath, stderr: errPath, ownGroup: true)
        let (status, timedOut) = Spawn.wait(pid, limit: limit)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Result(status: status, stdout: out, stderr: err, timedOut: timedOut)
    }
}

/// A private folder (0700) removed with everything in it when the value goes away.
final class TemporaryFolder {
    let path: String

    init(prefix: String = "disburse") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SettingsError("Cannot create a private temporary folder in \(NSTemporaryDirectory()): check TMPDIR and free space.")
        }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
