import Foundation
import Testing

@testable import Disbursement

/// The run lock is per database; so is the holder a refused run names. Two databases of one
/// cluster, each with a run holding its lock under a different run id: each refusal names its
/// own database's run (the lookup once took whichever holder the cluster listed first, and said
/// "holder unknown" or named a run of the other database).
@Suite("run lock")
struct RunLockTests {
    func hold(_ database: TestDatabase, runs: Int) throws -> (Connection, RunLog) {
        let connection = try database.connect()
        var log = try RunLog.start(connection, command: "run", arguments: [], businessDate: nil, dryRun: false)
        for _ in 1..<runs { log = try RunLog.start(connection, command: "run", arguments: [], businessDate: nil, dryRun: false) }
        try RunLock.acquire(connection)
        return (connection, log)
    }

    func refusal(_ database: TestDatabase) throws -> String {
        let connection = try database.connect()
        do {
            try RunLock.acquire(connection)
        } catch let busy as RunLock.Busy {
            return busy.holder
        }
        Issue.record("the lock was free")
        return ""
    }

    @Test func theHolderNamedIsTheOneOfThisDatabase() throws {
        let first = try TestDatabase.make()
        let second = try TestDatabase.make()
        let (firstHolder, firstRun) = try hold(first, runs: 3)
        let (secondHolder, secondRun) = try hold(second, runs: 1)
        #expect(firstRun.runID != secondRun.runID)
        let firstSays = try refusal(first)
        let secondSays = try refusal(second)
        #expect(firstSays.contains("run \(firstRun.runID),"), "\(firstSays)")
        #expect(secondSays.contains("run \(secondRun.runID),"), "\(secondSays)")
        withExtendedLifetime((firstHolder, secondHolder)) {}
    }
}
