import Foundation
import Testing

@testable import Disbursement

/// Everything people read (logs, error messages, the run log, reports in every format and the
/// finance page, VA lookups) over a demo-like night with dirty synthetic data, run with a
/// password in `--database-url` and in PGPASSWORD, must not carry a full NIK, account or
/// e-wallet number (also in its `62…` form), phone number, e-mail address, the password or the
/// VA key. Payout files carry account numbers by necessity, but nothing else of that list;
/// they must be 0600 in 0700.
@Suite("secrets and personal data")
struct PIIScanTests {
    @Test func noFullNIKAccountNumberOrKeyInAnythingPeopleRead() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 3000, seed: 5)

        let password = "Pw%25Scan%40Night9"
        let url = env.database.urlWithPassword(password)
        var environment = env.cliEnvironment
        environment["PGPASSWORD"] = "EnvScanPw7"
        var said: [String] = []
        func run(_ arguments: String...) throws {
            let result = try CLI.run(arguments + ["--database-url", url], environment: environment)
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
        try CLI.run(["reconcile", "--as-of", "2020-06-30", "--verbose", "--database-url", url] + files, environment: environment)
            .record(&said)
        try run("run", "--date", "2020-07-01", "--verbose")
        for report in ["summary", "holds", "funnel", "reconciliation"] {
            for format in ["table", "csv", "json"] { try run("report", report, "--format", format) }
        }
        try run("report", "html")
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
        let logText = try env.connection.query("SELECT t::text FROM disbursement.run_log t").map { try $0.decode(0, as: String.self) }
        let text = (said + logText).joined(separator: "\n")
        var written: [String] = []
        let walker = FileManager.default.enumerator(atPath: env.output.path)
        while let name = walker?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: env.output.appending(path: name).path) {
                written.append(String(decoding: data, as: UTF8.self))
            }
        }
        #expect(written.count > 3, "the night wrote its files")
        let fileText = written.joined(separator: "\n")

        let niks = Set(try env.connection.query("SELECT nik FROM registry.registrants WHERE nik ~ '^[0-9]{16}$'").map { try $0.decode(0, as: String.self) })
        // Bank numbers as digits, e-wallet numbers in the 62… form they are paid in, and phones.
        let accounts = Set(try env.connection.query(
            """
            SELECT regexp_replace(account_no, '[^0-9]', '', 'g') FROM registry.payout_accounts
            UNION SELECT disbursement.normalize_phone(account_no) FROM registry.payout_accounts WHERE kind = 'ewallet'
            UNION SELECT disbursement.normalize_phone(phone) FROM registry.registrants
            UNION SELECT regexp_replace(phone, '[^0-9]', '', 'g') FROM registry.registrants
            """
        ).compactMap { try $0.decodeIfPresent(0, as: String.self) }.filter { $0.count >= 8 })
        let emails = Set(try env.connection.query("SELECT lower(email) FROM registry.registrants WHERE email LIKE '%@%'")
            .map { try $0.decode(0, as: String.self) })
        #expect(emails.count > 1_000)
        // The scanner itself must find an address planted in text.
        #expect(Self.emailTokens("mail <\(emails.first ?? "")>, then").isSubset(of: emails))
        #expect(emails.isDisjoint(with: Self.emailTokens(text)), "an e-mail address in output")
        for secret in [password, "Pw%Scan@Night9", "Scan@Night", "EnvScanPw7"] {
            #expect(!text.contains(secret), "the password appears in output or the run log")
            #expect(!fileText.contains(secret), "the password appears in a file")
        }
        let fileRuns = Self.digitRuns(fileText)
        #expect(!fileRuns.contains { run in Self.windows(run, lengths: [16]).contains { niks.contains($0) } }, "a NIK in a payout file")
        #expect(emails.isDisjoint(with: Self.emailTokens(fileText)), "an e-mail address in a payout file")
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
        #expect(!fileText.lowercased().contains(key.lowercased()), "the VA key appears in a file")

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

    /// Every run of characters an e-mail address can hold that has an `@` in it, lower-cased:
    /// one pass over the text instead of a search per known address.
    static func emailTokens(_ text: String) -> Set<String> {
        var tokens: Set<String> = []
        var current: [UInt8] = []
        func flush() {
            if current.contains(UInt8(ascii: "@")) { tokens.insert(String(decoding: current, as: UTF8.self).lowercased()) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"):
                current.append(byte)
            default:
                flush()
            }
        }
        flush()
        return tokens
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
