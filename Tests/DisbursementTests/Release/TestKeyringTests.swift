import Foundation
import Testing

/// The delivery and collection fixtures' GnuPG homes. They used to share the bank's keyring, so
/// a test stopping its agent (as every gpg call of the fixtures does when done) cut off another
/// test's gpg in the middle of its work: "can't connect to the agent", now and then.
@Suite("test keyrings")
struct TestKeyringTests {
    @Test func stoppingOneKeyringsAgentNeverCutsOffAnothersWork() async throws {
        let shared = try OpenPGPKeys.shared.get()
        let mine = try shared.ownKeyrings(), other = try shared.ownKeyrings()
        defer { other.discard() }
        let folder = try #require(mine.copyFolder)
        #expect(mine.bankHome != other.bankHome && mine.bankHome != shared.bankHome && mine.strangerHome != other.strangerHome)
        // The agent's socket lives in the home: its path must fit in a sockaddr_un (108 bytes).
        #expect(mine.bankHome.utf8.count + "/S.gpg-agent.browser".utf8.count < 108)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<12 {
                    try mine.seal(Data("status \(index)".utf8), to: URL(fileURLWithPath: "\(folder)/answer-\(index).pgp"))
                    try mine.seal(Data("status \(index)".utf8), to: URL(fileURLWithPath: "\(folder)/stranger-\(index).pgp"),
                                  signedBy: mine.strangerHome)
                }
            }
            group.addTask { for _ in 0..<60 { other.stopAgents() } }
            try await group.waitForAll()
        }
        mine.discard()
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}
