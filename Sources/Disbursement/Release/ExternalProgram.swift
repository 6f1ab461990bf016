import Foundation

/// A program from outside (gpg, sftp, ssh-keyscan) run to completion. Its output goes to
/// temporary files rather than pipes, so a chatty program never blocks on a full pipe and no
/// reader thread is needed.
struct ExternalProgram {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

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

    func run(_ arguments: [String], input: String = "", environment: [String: String] = [:]) throws -> Result {
        let scratch = try TemporaryFolder()
        let inURL = URL(fileURLWithPath: scratch.path + "/in")
        try Data(input.utf8).write(to: inURL)
        let outPath = scratch.path + "/out"
        let errPath = scratch.path + "/err"
        for path in [outPath, errPath] {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw SettingsError("Cannot create a temporary file in \(scratch.path): check TMPDIR and free space.")
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        // Messages in English whatever the machine's locale, so they can be recognised.
        merged["LC_ALL"] = "C"
        process.environment = merged
        let stdin = try FileHandle(forReadingFrom: inURL)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, stdout: out, stderr: err)
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
