import Foundation
import Testing

@testable import Disbursement

/// OUT's parents are walked one by one: a link planted in a folder others can write is refused
/// (it would send the batch wherever its planter chose); a link only root or we could make is followed.
@Suite("output folder path walk")
struct OutputFolderWalkTests {
    func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appending(path: "walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return root
    }

    @Test func aLinkPlantedInASharedStickyFolderIsRefused() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = root.appending(path: "shared")
        let victim = root.appending(path: "victim")
        for folder in [shared, victim] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false) }
        chmod(shared.path, 0o1777)
        chmod(victim.path, 0o700)
        #expect(symlink(victim.path, shared.appending(path: "payouts").path) == 0)
        let out = shared.appending(path: "payouts/out").path
        #expect(throws: AtomicFile.Failure.self) { _ = try OutputFolder.open(out) }
        #expect(!FileManager.default.fileExists(atPath: victim.appending(path: "out").path))

        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let result = try env.cli("run", "--date", "2020-06-01", "--out", out)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("symbolic link payouts"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: victim.appending(path: "out").path))
    }

    @Test func aLinkOnlyWeCouldMakeIsFollowedAndOutItselfIsNot() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let real = root.appending(path: "real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        #expect(symlink("real", root.appending(path: "link").path) == 0)
        _ = try OutputFolder.open(root.appending(path: "link/./x/../out").path)
        #expect(FileManager.default.fileExists(atPath: real.appending(path: "out").path))
        #expect(throws: AtomicFile.Failure.self) { _ = try OutputFolder.open(root.appending(path: "link").path) }
    }
}
