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

    /// N6: a folder on the way to OUT that others can write (or another user owns) lets them
    /// move OUT or a folder holding it away and put their own in its place: refused, naming the
    /// folder. A sticky folder of root's or ours, like /tmp, lets nobody move our entries: accepted.
    @Test func anOutInsideAFolderOthersCouldMoveItFromIsRefused() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = root.appending(path: "shared")
        try FileManager.default.createDirectory(at: shared.appending(path: "deeper"), withIntermediateDirectories: true)
        chmod(shared.appending(path: "deeper").path, 0o700)
        // A group of several users (root's own group would be root's private group).
        let groupModes: [mode_t] = geteuid() == 0 && chown(shared.path, 0, 4242) == 0 ? [0o770, 0o775] : []
        for mode: mode_t in [0o777, 0o757] + groupModes {
            chmod(shared.path, mode)
            for out in ["shared/out", "shared/deeper/out"] {
                do {
                    _ = try OutputFolder.open(root.appending(path: out).path)
                    Issue.record("\(out) accepted in a folder of mode \(String(mode, radix: 8))")
                } catch let failure as AtomicFile.Failure {
                    #expect(failure.description.contains("inside \(shared.path),"), "\(failure.description)")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: shared.appending(path: "out").path))
        }
        chmod(shared.path, 0o1777)
        _ = try OutputFolder.open(shared.appending(path: "out").path)
        _ = try OutputFolder.open(shared.appending(path: "deeper/out").path)
        // A folder of another user, even closed to others, is theirs to move things out of.
        if geteuid() == 0 {
            chmod(shared.path, 0o755)
            #expect(chown(shared.path, 4242, 4242) == 0)
            #expect(throws: AtomicFile.Failure.self) { _ = try OutputFolder.open(shared.appending(path: "deeper/out").path) }
            chmod(shared.path, 0o1777)
            #expect(throws: AtomicFile.Failure.self) { _ = try OutputFolder.open(shared.appending(path: "out").path) }
            #expect(chown(shared.path, geteuid(), getegid()) == 0)
        }

        chmod(shared.path, 0o777)
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        let result = try env.cli("run", "--date", "2020-06-01", "--out", shared.appending(path: "night").path)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains(shared.path) && result.stderr.contains("mode 777"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: shared.appending(path: "night").path))
    }

    /// N6 follow-up: with Ubuntu's umask 002 every folder a user makes is 775 with the user's
    /// private group; that group is the user alone, so such a folder is the user's (as Debian's
    /// sshd decides for StrictModes). Any other group that can write is refused.
    @Test func aGroupIsTheUsersOwnOnlyWhenItIsTheirPrivateGroup() {
        #expect(OutputFolder.isOwnPrivateGroup(1000, primaryGroup: 1000, userName: "ana", groupName: "ana", groupMembers: []))
        #expect(OutputFolder.isOwnPrivateGroup(1000, primaryGroup: 1000, userName: "ana", groupName: "ana", groupMembers: ["ana"]))
        #expect(!OutputFolder.isOwnPrivateGroup(1000, primaryGroup: 1000, userName: "ana", groupName: "ana", groupMembers: ["ana", "budi"]))
        #expect(!OutputFolder.isOwnPrivateGroup(1000, primaryGroup: 1000, userName: "ana", groupName: "staff", groupMembers: []))
        #expect(!OutputFolder.isOwnPrivateGroup(1001, primaryGroup: 1000, userName: "ana", groupName: "ana", groupMembers: []))
        #expect(!OutputFolder.isOwnPrivateGroup(1000, primaryGroup: 1000, userName: "", groupName: "", groupMembers: []))
    }

    @Test func anOutInsideAFolderOfTheUsersPrivateGroupIsAccepted() throws {
        guard geteuid() == 0 else { return }
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let cloned = root.appending(path: "cloned")
        try FileManager.default.createDirectory(at: cloned, withIntermediateDirectories: false)
        // root's primary group is root, named root, with no other member: root's private group.
        #expect(chown(cloned.path, 0, 0) == 0)
        chmod(cloned.path, 0o775)
        _ = try OutputFolder.open(cloned.appending(path: "out").path)
        #expect(chown(cloned.path, 0, 4242) == 0)
        #expect(throws: AtomicFile.Failure.self) { _ = try OutputFolder.open(cloned.appending(path: "out2").path) }
    }
}
