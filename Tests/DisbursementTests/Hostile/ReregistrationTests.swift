import Foundation
import Testing

@testable import Disbursement

/// F5 of the outside attack on the night: the same person registered again under a new
/// registrant_id, after the old row was deleted or given another NIK, was paid every
/// entitlement again. The night records the NIK of everyone it numbers or pays; a registrant
/// whose NIK is recorded for another registrant_id is held REREGISTERED_NIK.
@Suite("re-registration")
struct ReregistrationTests {
    /// Registrant 4 comes with registrant 1's NIK, approved, trained and with an account of
    /// their own in that NIK's name.
    static func reregister(_ env: TestEnvironment) throws {
        try env.registry.registrant(4, nik: Registry.nik(1))
        try env.registry.member(4)
        try env.registry.completion(4)
        try env.registry.account(4, ownerNIK: .some(Registry.nik(1)))
    }

    @Test(arguments: ["DELETE FROM registry.registrants WHERE registrant_id = 1",
                      "UPDATE registry.registrants SET nik = '3171999999999999' WHERE registrant_id = 1"])
    func theSamePersonUnderANewIDIsNotPaidAgain(_ change: String) throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        #expect(try env.payouts(1).contains("TRAINING1@VA"))
        try env.connection.execute(change)
        try Self.reregister(env)
        try env.run("2020-06-02")
        #expect(try env.payouts(4) == [])
        #expect(try env.hold(4, "TRAINING") == "REREGISTERED_NIK")
        #expect(try env.hold(4, "INCENTIVE") == "REREGISTERED_NIK")
        // The records never leave the job's schema: no report shows a NIK.
        let holds = try env.cli("report", "holds", "--date", "2020-06-02", "--format", "csv")
        #expect(holds.status == 0 && holds.stdout.contains("REREGISTERED_NIK"), "\(holds.stdout)")
        #expect(!holds.stdout.contains(Registry.nik(1)))
        try Invariants.check(env)
    }

    /// The NIK of someone held (here DUPLICATE_NIK) is not recorded: once the registry is
    /// fixed, the one who keeps the NIK is paid.
    @Test func aDuplicateFixedInTheRegistryIsPaid() throws {
        let env = try DirtyRowTests.world()
        try Self.reregister(env)
        try env.run("2020-06-01")
        #expect(try env.hold(1, "TRAINING") == "DUPLICATE_NIK")
        #expect(try env.hold(4, "TRAINING") == "DUPLICATE_NIK")
        try env.connection.execute("DELETE FROM registry.registrants WHERE registrant_id = 1")
        try env.run("2020-06-02")
        #expect(try env.payouts(4).contains("TRAINING1@VA"))
        #expect(try env.hold(4, "TRAINING") == nil)
    }

    /// The two ways the hold ends (docs/operations.md): the registry gives the new registrant
    /// another NIK, or finance finds two people and the owner removes the old record.
    @Test func theHoldReleasesWhenTheRegistryOrTheRecordChanges() throws {
        let env = try DirtyRowTests.world()
        try env.run("2020-06-01")
        try env.connection.execute("DELETE FROM registry.registrants WHERE registrant_id = 1")
        try Self.reregister(env)
        try env.registry.registrant(5, nik: Registry.nik(2))
        try env.registry.member(5)
        try env.connection.execute("DELETE FROM registry.registrants WHERE registrant_id = 2")
        try env.run("2020-06-02")
        #expect(try env.hold(4, "TRAINING") == "REREGISTERED_NIK")
        #expect(try env.hold(5, "TRAINING") == "REREGISTERED_NIK")

        try env.connection.execute("UPDATE registry.registrants SET nik = '3171888888888888' WHERE registrant_id = 4")
        try env.connection.execute("DELETE FROM disbursement.participant_niks WHERE registrant_id = 2")
        try env.run("2020-06-03")
        #expect(try env.hold(4, "TRAINING") == nil)
        #expect(try env.payouts(4).contains("TRAINING1@VA"))
        #expect(try env.hold(5, "TRAINING") == nil)
        #expect(try env.payouts(5) == ["TRAINING1@VA"])
    }

    /// Migration 0023 records the participants numbered before it, from the registry as it is.
    @Test func theMigrationRecordsTheParticipantsNumberedBeforeIt() throws {
        let env = try DirtyRowTests.world()
        try env.registry.registrant(4, nik: Registry.nik(3))
        try env.run("2020-06-01")
        try env.connection.execute("TRUNCATE disbursement.participant_niks")
        // The backfill writes 0023's text column, which 0054 made a bigint: this world goes back to it.
        try env.connection.execute("ALTER TABLE disbursement.participant_niks DROP CONSTRAINT participant_niks_nik_check, ALTER COLUMN nik TYPE text")
        let migration = try #require(Migration.all.first { $0.version == 23 })
        let backfill = try #require(migration.sql.range(of: "DO $$"))
        try env.connection.executeScript(String(migration.sql[backfill.lowerBound...]))
        let recorded = try env.connection.query("SELECT registrant_id FROM disbursement.participant_niks ORDER BY 1")
            .map { try $0.decode(0, as: Int64.self) }
        // Registrant 3 shares a NIK with registrant 4: beyond doubt for neither.
        #expect(recorded == [1, 2])
    }

    /// Migration 0054 keeps each recorded NIK as the number its 16 digits spell. A NIK with
    /// leading zeros recorded as text before it still holds the registrant who comes back with it.
    @Test func aNIKRecordedAsTextBefore0054StillHoldsItsReregistration() throws {
        let env = try DirtyRowTests.world()
        let nik = "0071000000000001"
        // The record as 0023 made it, with one NIK in it.
        try env.connection.execute("ALTER TABLE disbursement.participant_niks DROP CONSTRAINT participant_niks_nik_check, ALTER COLUMN nik TYPE text")
        try env.connection.execute("ALTER TABLE disbursement.participant_niks ADD CONSTRAINT participant_niks_nik_check CHECK (octet_length(nik) = 16 AND nik ~ '^[0-9]+$')")
        try env.connection.execute("INSERT INTO disbursement.participant_niks (nik, registrant_id, recorded_on) VALUES ($1, 9, '2020-05-31')", [nik])
        let migration = try #require(Migration.all.first { $0.version == 54 })
        try env.connection.executeScript(migration.sql)
        #expect(try env.connection.queryOne("SELECT nik FROM disbursement.participant_niks WHERE registrant_id = 9").decode(0, as: Int64.self) == 71_000_000_000_001)

        try env.registry.registrant(4, nik: nik)
        try env.registry.member(4)
        try env.registry.completion(4)
        try env.registry.account(4, ownerNIK: .some(nik))
        try env.run("2020-06-01")
        #expect(try env.payouts(4) == [])
        #expect(try env.hold(4, "TRAINING") == "REREGISTERED_NIK")
        try Invariants.check(env)
    }
}
