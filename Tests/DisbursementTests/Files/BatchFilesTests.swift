import Foundation
import Testing

@testable import Disbursement

@Suite("payout files")
struct BatchFilesTests {
    static func populate(_ env: TestEnvironment, count: Int64 = 30) throws {
        try env.registry.decree("SK-1")
        let names = ["Nur'aini & <Sons>", "\"Quoted\", Name", "José Ñúñez", "=cmd|' /C calc'!A0", String(repeating: "Panjang ", count: 30), "日本 太郎"]
        for id in Int64(1)...count {
            try env.registry.registrant(id, name: names[Int(id) % names.count])
            try env.registry.member(id)
            try env.registry.completion(id)
            let provider = ["BNI", "BCA", "OVO", "GOPAY", "DANA", "LINKAJA"][Int(id) % 6]
            try env.registry.account(id, provider: provider, kind: ["BNI", "BCA"].contains(provider) ? "bank" : "ewallet")
            try env.connection.execute("UPDATE registry.payout_accounts SET account_name = $2 WHERE registrant_id = $1", [id, names[Int(id) % names.count]])
        }
    }

    func files(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func everyXMLFileIsValidPain001AndFilesArePrivate() throws {
        let env = try TestEnvironment()
        env.settings.maxItemsPerFile = 7
        try Self.populate(env)
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        let names = try files(folder)
        #expect(names.contains("VA-001.xml") && names.contains("VA-005.csv") && names.contains("manifest.json"))
        #expect(!names.contains { $0.hasPrefix(".") })
        let schema = try #require(ProcessInfo.processInfo.environment["DISBURSE_PAIN001_XSD"], "scripts/test sets DISBURSE_PAIN001_XSD")
        for name in names where name.hasSuffix(".xml") {
            let result = try Shell.run(try ExternalTool.xmllint.located(), ["--noout", "--schema", schema, folder.appending(path: name).path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int == 0o700)
        for name in names {
            #expect(try FileManager.default.attributesOfItem(atPath: folder.appending(path: name).path)[.posixPermissions] as? Int == 0o600)
        }
    }

    @Test func csvRoundTripsThroughARealParserAndCarriesNoNIK() throws {
        let env = try TestEnvironment()
        try Self.populate(env, count: 12)
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        let script = """
            import csv, sys, json
            rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))
            print(json.dumps(rows))
            """
        var seen = 0
        for name in try files(folder) where name.hasSuffix(".csv") {
            let result = try Shell.run(try ExternalTool.python3.located(), ["-c", script, folder.appending(path: name).path])
            let rows = try JSONDecoder().decode([[String]].self, from: Data(result.stdout.utf8))
            #expect(rows.first == ["end_to_end_id", "channel", "account_no", "account_name", "amount", "currency", "kind", "number", "va"])
            for row in rows.dropFirst() {
                #expect(row.count == 9)
                #expect(row[5] == "IDR")
                #expect(!row[3].hasPrefix("="))
                seen += 1
            }
            let text = try String(contentsOf: folder.appending(path: name), encoding: .utf8)
            #expect(!text.contains(Registry.nik(1)))
        }
        let payouts = try env.count("SELECT count(*) FROM disbursement.payouts")
        #expect(seen == payouts)
        let names = try String(contentsOf: folder.appending(path: "VA-001.csv"), encoding: .utf8)
        #expect(names.contains("\"Nur'aini & <Sons>\"") || names.contains("Nur'aini & <Sons>"))
        #expect(names.contains("José Ñúñez"))
    }

    @Test func missingOrDamagedFilesAreRewrittenByteIdenticallyAndGoodOnesLeftAlone() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        var originals: [String: Data] = [:]
        for name in try files(folder) { originals[name] = try Data(contentsOf: folder.appending(path: name)) }
        let untouched = folder.appending(path: "OVO-001.csv")
        let before = try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date
        try FileManager.default.removeItem(at: folder.appending(path: "BNI-001.xml"))
        try Data("tampered".utf8).write(to: folder.appending(path: "VA-001.csv"))
        try FileManager.default.removeItem(at: folder.appending(path: "manifest.json"))
        let report = try env.run("2020-06-01")
        #expect(report.alreadyRecorded)
        #expect(Set(report.filesWritten) == ["2020-06-01/BNI-001.xml", "2020-06-01/VA-001.csv", "2020-06-01/manifest.json"])
        for (name, data) in originals { #expect(try Data(contentsOf: folder.appending(path: name)) == data, "\(name)") }
        #expect(try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date == before)
    }

    @Test func aRepairThatWouldRenderDifferentFilesIsRefusedBeforeAnyFileIsTouched() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        let sent = try files(folder).filter { $0 != "BNI-001.csv" }
        let before = try sent.map { try Data(contentsOf: folder.appending(path: $0)) }
        // The batch changes after its files were sent (a name in every channel), and one file
        // goes missing: rewriting the others from the changed batch must not happen.
        try env.connection.execute("UPDATE disbursement.payouts SET account_name = account_name || ' X'")
        try FileManager.default.removeItem(at: folder.appending(path: "BNI-001.csv"))
        let again = try env.cli("run", "--date", "2020-06-01")
        #expect(again.status != 0)
        #expect(again.stderr.contains("differ from those recorded"), "\(again.stderr)")
        #expect(try sent.map { try Data(contentsOf: folder.appending(path: $0)) } == before)
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "BNI-001.csv").path))
    }

    /// A lost folder is written back in one pass; if the batch changed since, nothing of it
    /// is left behind.
    @Test func aLostFolderIsRewrittenOrLeftAbsent() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        let originals = try files(folder).map { ($0, try Data(contentsOf: folder.appending(path: $0))) }
        try FileManager.default.removeItem(at: folder)
        #expect(try env.run("2020-06-01").alreadyRecorded)
        for (name, data) in originals { #expect(try Data(contentsOf: folder.appending(path: name)) == data, "\(name)") }

        try FileManager.default.removeItem(at: folder)
        try env.connection.execute("UPDATE disbursement.payouts SET account_name = account_name || ' X'")
        let again = try env.cli("run", "--date", "2020-06-01")
        #expect(again.status != 0)
        #expect(again.stderr.contains("differ from those recorded"), "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test func manifestsFormAHashChainThatVerifyWalks() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        try env.run("2020-06-01")
        try env.run("2020-07-01")
        try env.run("2020-08-01")
        #expect(try BatchFiles.verify(directory: env.output.path).contains("3 batch folder"))
        let second = try Manifest.decode(try Data(contentsOf: env.output.appending(path: "2020-07-01/manifest.json")))
        let firstBytes = try Data(contentsOf: env.output.appending(path: "2020-06-01/manifest.json"))
        #expect(second.previousManifestSHA256 == Digest.sha256Hex(firstBytes))
        #expect(try Manifest.decode(firstBytes).previousManifestSHA256 == nil)

        // A changed file, an extra file and an edited earlier manifest are each named.
        let file = env.output.appending(path: "2020-07-01/BNI-001.csv")
        let original = try Data(contentsOf: file)
        try Data("x".utf8).write(to: file)
        #expect { try BatchFiles.verify(directory: env.output.path) } throws: { "\($0)".contains("2020-07-01/BNI-001.csv") }
        try original.write(to: file)
        try Data().write(to: env.output.appending(path: "2020-07-01/extra.csv"))
        #expect { try BatchFiles.verify(directory: env.output.path) } throws: { "\($0)".contains("extra.csv") }
        try FileManager.default.removeItem(at: env.output.appending(path: "2020-07-01/extra.csv"))
        var edited = String(decoding: firstBytes, as: UTF8.self)
        edited = edited.replacingOccurrences(of: "\"tool_version\"", with: "\"tool_version\" ")
        try Data(edited.utf8).write(to: env.output.appending(path: "2020-06-01/manifest.json"))
        #expect { try BatchFiles.verify(directory: env.output.path) } throws: { "\($0)".contains("2020-07-01/manifest.json") }
    }

    @Test func manifestTotalsMatchTheBatch() throws {
        let env = try TestEnvironment()
        env.settings.maxItemsPerFile = 4
        try Self.populate(env)
        let report = try env.run("2020-06-01")
        let manifest = try Manifest.decode(try Data(contentsOf: env.output.appending(path: "2020-06-01/manifest.json")))
        #expect(manifest.totalsByChannel.reduce(0) { $0 + $1.sum } == report.summary.payoutAmount)
        #expect(manifest.files.filter { $0.name.hasSuffix(".csv") }.reduce(0) { $0 + $1.rows } == report.summary.payoutCount)
        #expect(manifest.files.allSatisfy { $0.rows <= 4 })
        #expect(manifest.businessDate == BusinessDate("2020-06-01"))
    }

    @Test func aKilledWriterLeavesNoHalfFileAndTheNextRunFinishes() throws {
        let env = try TestEnvironment()
        try Self.populate(env)
        let killed = try env.cli("run", "--date", "2020-06-01", fault: "file:BNI-001.xml")
        #expect(killed.killedBySignal)
        let folder = env.output.appending(path: "2020-06-01")
        #expect(!(try files(folder)).contains("manifest.json"))
        let again = try env.cli("run", "--date", "2020-06-01")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try BatchFiles.verify(directory: env.output.path).contains("1 batch folder"))
    }
}

enum Shell {
    static func run(_ executable: String, _ arguments: [String]) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, killedBySignal: false,
                          stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
