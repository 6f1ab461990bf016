import Foundation
import Logging
import Testing

@testable import Disbursement

/// SPEC §9: the writer follows no symlink planted at any name it uses, refuses a folder that is
/// not private to it (without chmod-ing it), and says a full disk is a full disk.
@Suite("output folder")
struct OutputFolderTests {
    static func night() throws -> TestEnvironment {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        for id in Int64(1)...3 { try env.registry.payableParticipant(id) }
        return env
    }

    /// A file someone wants the job to overwrite, with what it held.
    struct Victim {
        let url: URL
        let content = "precious \(UUID().uuidString)\n"

        init(in folder: URL) throws {
            url = folder.appending(path: "victim-\(UUID().uuidString)")
            try Data(content.utf8).write(to: url)
        }

        var untouched: Bool { (try? String(contentsOf: url, encoding: .utf8)) == content }
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return url
    }

    static func isSymlink(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    static func mode(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? 0) & 0o777
    }

    @Test func symlinksPlantedAtEveryNameAreNeverFollowed() throws {
        let env = try Self.night()
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Before the first night: the batch folder exists (private) with a link at every name
        // the writer will use, the old guessable temporary names included.
        let day = env.output.appending(path: "2020-06-01")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(env.output.path, 0o700)
        var victims: [Victim] = []
        for name in ["VA-001.csv", "VA-001.xml", "BNI-001.csv", "BNI-001.xml", "manifest.json"] {
            for planted in [name, ".\(name).tmp-\(getpid())"] {
                let victim = try Victim(in: scratch)
                victims.append(victim)
                try FileManager.default.createSymbolicLink(at: day.appending(path: planted), withDestinationURL: victim.url)
            }
        }
        try env.run("2020-06-01")
        #expect(victims.allSatisfy { $0.untouched }, "a planted link was followed")
        let manifest = try Manifest.decode(try Data(contentsOf: day.appending(path: "manifest.json")))
        for name in manifest.files.map(\.name) + ["manifest.json"] {
            #expect(!Self.isSymlink(day.appending(path: name)), "\(name) is still a link")
            #expect(Self.mode(day.appending(path: name)) == 0o600)
        }
        // Old temporary names are leftovers: removed (the links, not what they point to).
        #expect(!FileManager.default.fileExists(atPath: day.appending(path: ".VA-001.csv.tmp-\(getpid())").path))
        #expect(victims.allSatisfy { $0.untouched })

        // After the night: a file and the manifest replaced by links to copies of their right
        // content. Read through the link they would look intact; a re-run replaces them.
        for name in ["VA-001.csv", "manifest.json"] {
            let copy = scratch.appending(path: "copy-\(name)")
            try FileManager.default.copyItem(at: day.appending(path: name), to: copy)
            try FileManager.default.removeItem(at: day.appending(path: name))
            try FileManager.default.createSymbolicLink(at: day.appending(path: name), withDestinationURL: copy)
        }
        try env.run("2020-06-01")
        #expect(!Self.isSymlink(day.appending(path: "VA-001.csv")) && !Self.isSymlink(day.appending(path: "manifest.json")))
        #expect(try BatchFiles.verify(directory: env.output.path, recorded: BatchFiles.recordedManifests(env.connection))
            .contains("recorded in the database"))
    }

    @Test func aBatchFolderThatIsALinkIsRefused() throws {
        let env = try Self.night()
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(at: env.output.appending(path: "2020-06-01"), withDestinationURL: scratch)
        #expect(throws: AtomicFile.Failure.self) { try env.run("2020-06-01") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        // The batch is recorded; once the link is gone the next run writes its files.
        try FileManager.default.removeItem(at: env.output.appending(path: "2020-06-01"))
        try env.run("2020-06-01")
        #expect(FileManager.default.fileExists(atPath: env.output.appending(path: "2020-06-01/manifest.json").path))
    }

    @Test(arguments: [0o755, 0o750, 0o701, 0o710, 0o1777] as [mode_t])
    func anOutputFolderOpenToOthersIsRefusedNotChmoded(_ mode: mode_t) throws {
        let env = try Self.night()
        try FileManager.default.createDirectory(at: env.output, withIntermediateDirectories: true)
        chmod(env.output.path, mode)
        #expect(throws: AtomicFile.Failure.self) { try env.run("2020-06-01") }
        #expect(Self.mode(env.output) == Int(mode) & 0o777)
        #expect(try FileManager.default.contentsOfDirectory(atPath: env.output.path).isEmpty)
        // Refused before the night's work, not after it: no batch without files.
        #expect(try env.connection.query("SELECT 1 FROM disbursement.batches").isEmpty)
        // A batch folder open to others is refused the same way.
        chmod(env.output.path, 0o700)
        try FileManager.default.createDirectory(at: env.output.appending(path: "2020-06-01"), withIntermediateDirectories: false)
        chmod(env.output.appending(path: "2020-06-01").path, mode)
        #expect(throws: AtomicFile.Failure.self) { try env.run("2020-06-01") }
        #expect(Self.mode(env.output.appending(path: "2020-06-01")) == Int(mode) & 0o777)
    }

    @Test func anOutputFolderThatIsALinkOrAnotherUsersIsRefused() throws {
        let env = try Self.night()
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var settings = env.settings
        let link = scratch.appending(path: "out-link")
        let target = scratch.appending(path: "real")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        settings.outputDirectory = link.path
        #expect(throws: AtomicFile.Failure.self) { try env.run("2020-06-01", settings: settings) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
        guard geteuid() == 0 else { return }  // only root can give a folder away
        chown(target.path, 65534, 65534)
        settings.outputDirectory = target.path
        #expect(throws: AtomicFile.Failure.self) { try env.run("2020-06-01", settings: settings) }
    }

    /// The CLI on a tiny file system: exit 1 and a sentence about the disk, not 78.
    @Test func aFullDiskIsExit1WithItsOwnSentence() throws {
        let env = try Self.night()
        let mount = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: mount) }
        let mounted = try Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mount.path])
        guard mounted.status == 0 else { return }  // needs root: where it cannot mount, nothing to test
        defer { _ = try? Shell.run("/bin/umount", [mount.path]) }
        // The output folder exists; the disk is then filled to the last block.
        let out = mount.appending(path: "out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let filler = mount.appending(path: "filler")
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        while (try? handle.write(contentsOf: Data(count: 1024))) != nil {}
        try? handle.close()
        var environment = env.cliEnvironment
        environment["DISBURSE_OUT"] = out.path
        let result = try CLI.run(["run", "--date", "2020-06-01"], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("disk is full"), "\(result.stderr)")
        #expect(try env.count("SELECT count(*) FROM disbursement.batches") == 1)
        // Room again: the same date writes the files.
        try FileManager.default.removeItem(at: filler)
        let again = try CLI.run(["run", "--date", "2020-06-01"], environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
    }
}

/// `disburse verify` against the hashes recorded in the database (#14.5).
@Suite("verify against the database")
struct VerifyAgainstDatabaseTests {
    @Test func aRewrittenNewestBatchWithAConsistentManifestIsCaught() throws {
        let env = try OutputFolderTests.night()
        try env.run("2020-06-01")
        try env.registry.payableParticipant(4)
        try env.run("2020-06-02")
        let day = env.output.appending(path: "2020-06-02")
        // Rewrite a payout file and its manifest consistently: the chain alone cannot tell.
        var manifest = try Manifest.decode(try Data(contentsOf: day.appending(path: "manifest.json")))
        let index = try #require(manifest.files.firstIndex { $0.name.hasSuffix(".csv") })
        let file = day.appending(path: manifest.files[index].name)
        let forged = Array((try String(contentsOf: file, encoding: .utf8) + "PK-9-T1-1,VA,8808000000000001,Mallory,9000000,IDR,TRAINING,1,8808000000000001\r\n").utf8)
        try Data(forged).write(to: file)
        manifest.files[index].sha256 = Digest.sha256Hex(forged)
        try Data(try manifest.encoded()).write(to: day.appending(path: "manifest.json"))

        // A database named but unreachable fails: the forgery must not pass for want of it.
        let unreachable = try env.cli("verify", env.output.path, "--database-url", "host=/nonexistent dbname=none")
        #expect(unreachable.status == 69, "\(unreachable.stdout)")
        #expect(unreachable.stderr.contains("The database is unavailable"), "\(unreachable.stderr)")
        var unset = env.cliEnvironment
        unset["DATABASE_URL"] = "postgresql://job:Pw@/none?host=/nonexistent"
        let unreachableByEnvironment = try CLI.run(["verify", env.output.path], environment: unset)
        #expect(unreachableByEnvironment.status == 69, "\(unreachableByEnvironment.stdout)")
        // Only with no database configured at all are the manifests checked against each other alone, and it says so.
        for name in ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE"] { unset[name] = "" }
        let chainOnly = try CLI.run(["verify", env.output.path], environment: unset)
        #expect(chainOnly.status == 0, "\(chainOnly.stderr)")
        #expect(chainOnly.stdout.contains("checked against each other only"), "\(chainOnly.stdout)")

        let result = try env.cli("verify", env.output.path)
        #expect(result.status == 65, "\(result.stdout)")
        #expect(result.stderr.contains("2020-06-02") && !result.stderr.contains("2020-06-01"), "\(result.stderr)")

        // Untouched batches verify against the database.
        try env.run("2020-06-02")
        let repaired = try env.cli("verify", env.output.path)
        #expect(repaired.status == 0 && repaired.stdout.contains("recorded in the database"), "\(repaired.stderr)")
    }
}
