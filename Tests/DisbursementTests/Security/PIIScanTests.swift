import Foundation
import Testing

@testable import Disbursement

/// Everything people read (logs, error messages, reports in every format, VA lookups) over a
/// demo-like night with dirty synthetic data must not carry a full NIK, a full account number
/// or the VA key. Payout files carry account numbers by necessity; they must be 0600 in 0700.
@Suite("secrets and personal data")
struct PIIScanTests {
    @Test func noFullNIKAccountNumberOrKeyInAnythingPeopleRead() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 3000, seed: 5)

        var said: [String] = []
        func run(_ arguments: String...) throws {
            let result = try CLI.run(arguments, environment: env.cliEnvironment)
            #expect(!result.killedBySignal)
            said += [result.stdout, result.stderr]
        }
        try run("run", "--date", "2020-06-01", "--dry-run", "--verbose")
        try run("run", "--date", "2020-06-01", "--verbose")
        try run("run", "--date", "2020-06-01", "--verbose")
        let status = env.output.deletingLastPathComponent().appending(path: "status-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: status) }
        let simulated = try Shell.run(
            Paths.repository.appending(path: "scripts/simulate-channel").path,
            [env.output.appending(path: "2020-06-01").path, status.path, "--seed", "3"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let files = simulated.stdout.split(separator: "\n").map(String.init)
        #expect(!files.isEmpty)
        try CLI.run(["reconcile", "--as-of", "2020-06-30", "--verbose"] + files, environment: env.cliEnvironment).record(&said)
        try run("run", "--date", "2020-07-01", "--verbose")
        for report in ["summary", "holds", "funnel", "reconciliation"] {
            for format in ["table", "csv", "json"] { try run("report", report, "--format", format) }
        }
        // Errors an operator may see: a refused status file, a busy lock is covered elsewhere,
        // a lookup of every issued number, and a check of a wrong one.
        let bad = status.appending(path: "bad.csv")
        try Data("end_to_end_id,status\n\(Registry.nik(1)),PAID\n".utf8).write(to: bad)
        try run("reconcile", bad.path)
        let numbers = try env.connection.query("SELECT va FROM disbursement.virtual_accounts ORDER BY va LIMIT 50")
            .map { try $0.decode(0, as: String.self) }
        for number in numbers { try run("va", "lookup", number) }
        try run("va", "check", "1234567890123456")
        try run("verify", env.output.path)
        let logText = try env.connection.query("SELECT coalesce(message, '') || ' ' || coalesce(counts::text, '') || ' ' || arguments::text FROM disbursement.run_log")
            .map { try $0.decode(0, as: String.self) }
        let text = (said + logText).joined(separator: "\n")

        let niks = Set(try env.connection.query("SELECT nik FROM registry.registrants WHERE nik ~ '^[0-9]{16}$'").map { try $0.decode(0, as: String.self) })
        let accounts = Set(try env.connection.query(
            "SELECT account_no FROM registry.payout_accounts WHERE length(regexp_replace(account_no, '[^0-9]', '', 'g')) >= 8"
        ).map { try $0.decode(0, as: String.self).filter(\.isNumber) })
        let key = try String(contentsOfFile: env.settings.vaKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(niks.count > 1_000 && accounts.count > 500, "the scan needs data to find")

        // The scanner itself must find a NIK planted in text.
        if let planted = niks.first {
            #expect(Self.digitRuns("NIK \(planted)!").contains { Self.windows($0, lengths: [16]).contains(planted) })
        }
        let digitRuns = Self.digitRuns(text)
        let leakedNIKs = digitRuns.filter { run in Self.windows(run, lengths: [16]).contains { niks.contains($0) } }
        let lengths = Set(accounts.map(\.count))
        let leakedAccounts = digitRuns.filter { run in Self.windows(run, lengths: lengths).contains { accounts.contains($0) } }
        #expect(leakedNIKs.isEmpty, "full NIKs in output: \(leakedNIKs.prefix(3).map { $0.prefix(4) + "…" })")
        #expect(leakedAccounts.isEmpty, "full account numbers in output: \(leakedAccounts.count)")
        #expect(!text.lowercased().contains(key.lowercased()), "the VA key appears in output")

        // Payout files: private to the job's user.
        let enumerator = FileManager.default.enumerator(atPath: env.output.path)
        while let name = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: env.output.appending(path: name).path)
            let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o777
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isFolder ? 0o700 : 0o600), "\(name) has mode \(String(mode, radix: 8))")
        }
    }

    static func digitRuns(_ text: String) -> [String] {
        var runs: [String] = []
        var current = ""
        for character in text.unicodeScalars {
            if ("0"..."9").contains(character) { current.unicodeScalars.append(character) } else {
                if current.count >= 8 { runs.append(current) }
                current = ""
            }
        }
        if current.count >= 8 { runs.append(current) }
        return runs
    }

    static func windows(_ run: String, lengths: Set<Int>) -> [String] {
        let digits = Array(run)
        return lengths.flatMap { length in
            length > digits.count ? [] : (0...(digits.count - length)).map { String(digits[$0..<($0 + length)]) }
        }
    }
}

extension CLI.Result {
    func record(_ said: inout [String]) {
        said += [stdout, stderr]
    }
}
