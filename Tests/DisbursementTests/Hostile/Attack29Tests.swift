import Foundation
import Testing

@testable import Disbursement

/// Attack 29 on e5dc9e2: the NIK record kept as the number its 16 digits spell (migration 0054)
/// and the payout files rendered on other cores (ChunkRenderer).
@Suite("attack 29")
struct Attack29Tests {
    // MARK: REREGISTERED_NIK by number

    /// Registrant `id`'s own NIK: the all-zero and the largest NIK, the rest with leading zeros
    /// (what a number loses when read loosely).
    static func base(_ id: Int64) -> String {
        switch id {
        case 1: return "0000000000000000"
        case 2: return "9999999999999999"
        case 3: return "0000000000000001"
        default: return "00" + String(format: "%014lld", id * 7919)
        }
    }

    /// Every way a registry value can spell (or nearly spell) `nik`: as is, and shapes that a
    /// bigint cast would read as the same number (sign, blanks, underscores, fewer or more zeros,
    /// other scripts' digits, 16 octets that are not 16 ASCII digits).
    static func variants(_ nik: String) -> [String?] {
        let tail = String(nik.dropFirst())
        func shifted(_ base: UInt32) -> String {
            String(String.UnicodeScalarView(nik.unicodeScalars.compactMap { Unicode.Scalar($0.value - 0x30 + base) }))
        }
        return [
            nik, " " + tail, "+" + tail, "-" + tail, tail + " ", tail + "\n", "\t" + tail, tail, "0" + nik,
            String(nik.prefix(4)) + "_" + String(nik.dropFirst(5)), "0x" + String(nik.dropFirst(2)),
            shifted(0xFF10), shifted(0x0660), shifted(0x0966),
            // 16 octets, not 16 ASCII digits.
            "\u{0660}" + String(nik.dropFirst(2)), "\u{FF10}" + String(nik.dropFirst(3)),
            String(nik.dropLast(2)) + "\u{00B2}", nik + "\u{0301}", nil, "",
        ]
    }

    /// The same person again as `$1 + 100` (approved, trained, an account of their own) under
    /// the NIK `$2`; the old row stays.
    static let reregistered = DirtyRegistrySearchTests.reregistrationSQL(nik: "$2", ownerNIK: "$2")

    static let nikDamage: [(label: String, sql: String)] = [
        ("nik", "UPDATE registry.registrants SET nik = $2 WHERE registrant_id = $1"),
        ("owner_nik follows", "UPDATE registry.payout_accounts SET owner_nik = $2 WHERE registrant_id = $1"),
        ("re-registers", reregistered + "SELECT 1"),
        ("re-registers, old row gone", reregistered + "DELETE FROM registry.registrants WHERE registrant_id = $1"),
        ("registrant row twice",
         "INSERT INTO registry.registrants SELECT registrant_id, $2, full_name, birth_date, phone, email, province_code, registered_at, email_verified_at, nik_verified_at, phone_verified_at FROM registry.registrants WHERE registrant_id = $1 LIMIT 1"),
    ]

    /// Seeded worlds whose NIKs are each registrant's own (`base`) or `variants` of one, over
    /// three nights with NIKs changed, re-registrations (with the old NIK or another shape of
    /// it) and duplicated rows between them, and, after the first night,
    /// the record taken back to 0023's text column and migrated again by 0054. After every
    /// night: the night ran (no cast stopped it), `RegistryModel` (which compares NIKs as
    /// text) finds no payout it forbids and no due payable entitlement unpaid, and the record
    /// holds exactly the (NIK, registrant) pairs the model recorded, as numbers.
    @Test(arguments: (UInt64(0)..<6).map { 0xA29_0000 + $0 })
    func hostileNIKsNeverStopTheNightAndAgreeWithTheTextRecord(_ seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let env = try TestEnvironment()
        try DirtyRegistrySearchTests.distrustConstraints(env.connection)
        try env.registry.decree("SK-1")
        func shape(_ nik: String, _ random: inout SplitMix64) -> String? {
            let all = Self.variants(nik)
            return all[random.below(all.count)]
        }
        for id in Int64(1)...30 {
            let nik = random.chance(0.75) ? Self.base(id) : shape(Self.base(id), &random)
            try env.registry.registrant(id, nik: nik ?? "x")
            if nik == nil { try env.connection.execute("UPDATE registry.registrants SET nik = NULL WHERE registrant_id = $1", [id]) }
            try env.registry.member(id)
            try env.registry.completion(id)
            try env.registry.account(id, ownerNIK: .some(nik))
        }
        var recorded: [String: Set<Int64>] = [:]
        var kept: [Int64: String] = [:]
        for (index, night) in DirtyRegistrySearchTests.nights.enumerated() {
            if index > 0 {
                for _ in 0..<12 {
                    let target = Int64(1 + random.below(30))
                    let damage = Self.nikDamage[random.below(Self.nikDamage.count)]
                    // A re-registrant mostly brings the target's own NIK; other changes take any
                    // registrant's NIK, as is or in another shape.
                    let source = damage.label.hasPrefix("re-registers") ? target : Int64(1 + random.below(30))
                    let value = random.chance(damage.label.hasPrefix("re-registers") ? 0.7 : 0.5)
                        ? Self.base(source) : shape(Self.base(source), &random)
                    try env.connection.execute(damage.sql, [target, value])
                }
            }
            if index == 1 {
                // The record as 0023 kept it (text), then 0054 again: nothing lost or changed.
                let before = try Self.record(env)
                try env.connection.execute(
                    "ALTER TABLE disbursement.participant_niks DROP CONSTRAINT participant_niks_nik_check, ALTER COLUMN nik TYPE text USING lpad(nik::text, 16, '0')")
                try env.connection.execute(
                    "ALTER TABLE disbursement.participant_niks ADD CONSTRAINT participant_niks_nik_check CHECK (octet_length(nik) = 16 AND nik ~ '^[0-9]+$')")
                let migration = try #require(Migration.all.first { $0.version == 54 })
                try env.connection.executeScript(migration.sql)
                #expect(try Self.record(env) == before, "seed \(seed): 0054 changed the record")
            }
            do {
                try env.run(night)
            } catch {
                Issue.record("seed \(seed), night \(night): the night failed: \(error)")
                return
            }
            (recorded, kept) = try DirtyRegistrySearchTests.checkModel(env, night: night, seed: seed, recordedNIKs: recorded, keptFirstDays: kept)
            var expected: Set<String> = []
            for (nik, ids) in recorded { for id in ids { expected.insert("\(nik)/\(id)") } }
            #expect(try Self.record(env) == expected, "seed \(seed), night \(night): the record differs from the model's")
        }
        // The search reached what it is about: re-registrations held, hostile shapes held.
        #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE reason = 'REREGISTERED_NIK'") > 0, "seed \(seed)")
        #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE reason = 'INVALID_NIK'") > 0, "seed \(seed)")
        #expect(try env.count("SELECT count(*) FROM disbursement.participant_niks WHERE nik < 1000000000000000") > 0, "seed \(seed)")
        try Invariants.check(env)
    }

    /// The record as "NNNNNNNNNNNNNNNN/registrant": 16 digits whatever the column's type.
    static func record(_ env: TestEnvironment) throws -> Set<String> {
        Set(try env.connection.query(
            "SELECT lpad(nik::text, 16, '0') || '/' || registrant_id FROM disbursement.participant_niks"
        ).map { try $0.decode(0, as: String.self) })
    }

    // MARK: ChunkRenderer

    /// Chunks whose rendering takes very different times are handed back in the order they were
    /// given, never more than `width` at once in flight.
    @Test(arguments: [1, 2, 3])
    func chunksAreTakenInTheOrderGivenWhateverFinishesFirst(_ width: Int) throws {
        var random = SplitMix64(seed: 29 + UInt64(width))
        let renderer = ChunkRenderer(width: width)
        let flight = Flight()
        var taken: [String] = []
        let take: ([ChunkRenderer.File]) throws -> Void = { files in
            flight.land()
            taken += files.map(\.name)
        }
        for chunk in 0..<300 {
            let work = random.below(4) == 0 ? 200_000 : random.below(50)
            flight.takeOff()
            try renderer.submit({
                var x: UInt64 = UInt64(chunk)
                for i in 0..<work { x = x &* 6364136223846793005 &+ UInt64(i) }
                let bytes = Array("\(chunk):\(x & 1)".utf8)
                return [ChunkRenderer.File(name: "\(chunk).csv", bytes: bytes, sha256: "", rows: 1, sum: 0),
                        ChunkRenderer.File(name: "\(chunk).xml", bytes: bytes, sha256: "", rows: 1, sum: 0)]
            }, take: take)
            #expect(flight.inFlight <= width)
        }
        try renderer.drain(take)
        #expect(taken == (0..<300).flatMap { ["\($0).csv", "\($0).xml"] })
        #expect(flight.inFlight == 0)
    }

    /// A `take` that throws (a write failed) stops the hand-over there: nothing after it is
    /// taken, and the chunks left in flight finish on their own (no deadlock, no crash).
    @Test func aTakeThatThrowsStopsTheHandOverWithoutDeadlock() throws {
        struct WriteFailed: Error {}
        let renderer = ChunkRenderer()
        let finished = DispatchGroup()
        var taken: [String] = []
        let take: ([ChunkRenderer.File]) throws -> Void = { files in
            if files.first?.name == "5" { throw WriteFailed() }
            taken += files.map(\.name)
        }
        var failedAt: Int?
        for chunk in 0..<20 where failedAt == nil {
            finished.enter()
            do {
                try renderer.submit({
                    defer { finished.leave() }
                    return [ChunkRenderer.File(name: "\(chunk)", bytes: [], sha256: "", rows: 0, sum: 0)]
                }, take: take)
            } catch is WriteFailed {
                failedAt = chunk
                finished.leave()  // this chunk was never started
            }
        }
        #expect(failedAt == 7)
        #expect(taken == ["0", "1", "2", "3", "4"])
        #expect(finished.wait(timeout: .now() + 60) == .success)
    }

    // MARK: BatchFiles

    /// The files and manifest entries of a batch are exactly what rendering each chunk in place,
    /// in the order the rows are read, gives (the algorithm before e5dc9e2, written out here):
    /// many channels, chunks of 1 to 1000 rows, names that need escaping. A lost folder is then
    /// written back identical to the recorded manifest.
    @Test(arguments: [1, 2, 3, 5, 1000])
    func filesAndManifestAreThoseOfTheInPlaceRendering(_ maxItems: Int) throws {
        let env = try TestEnvironment()
        env.settings.maxItemsPerFile = maxItems
        try BatchFilesTests.populate(env, count: 24)
        try env.run("2020-06-01")
        let folder = env.output.appending(path: "2020-06-01")
        let (reference, entries) = try Self.inPlaceRendering(env, date: "2020-06-01")
        let manifest = try Manifest.decode(try Data(contentsOf: folder.appending(path: "manifest.json")))
        #expect(manifest.files == entries)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "manifest.json" }.sorted()
        #expect(onDisk == reference.keys.sorted())
        for (name, bytes) in reference {
            #expect(try [UInt8](Data(contentsOf: folder.appending(path: name))) == bytes, "\(name)")
        }
        let manifestBytes = try Data(contentsOf: folder.appending(path: "manifest.json"))
        try FileManager.default.removeItem(at: folder)
        #expect(try env.run("2020-06-01").alreadyRecorded)
        #expect(try Data(contentsOf: folder.appending(path: "manifest.json")) == manifestBytes)
    }

    static func inPlaceRendering(_ env: TestEnvironment, date: String) throws -> ([String: [UInt8]], [FileEntry]) {
        let createdAt = try env.connection.queryOne(
            """
            SELECT to_char(created_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')
              FROM disbursement.batches WHERE business_date = $1::date
            """, [date]).decode(0, as: String.self)
        let day = try #require(BusinessDate(date))
        var files: [String: [UInt8]] = [:]
        var entries: [FileEntry] = []
        var chunks: [(String, [PayoutLine])] = []
        for row in try env.connection.query(
            """
            SELECT channel, end_to_end_id, account_no, account_name, amount, kind, number, va FROM disbursement.payouts
             WHERE business_date = $1::date ORDER BY channel COLLATE "C", end_to_end_id COLLATE "C"
            """, [date])
        {
            let line = PayoutLine(
                endToEndId: try row.decode(1), channel: try row.decode(0), accountNo: try row.decodeIfPresent(2) ?? "",
                accountName: try row.decodeIfPresent(3) ?? "", amount: try row.decode(4), kind: try row.decode(5),
                number: try row.decode(6), va: try row.decodeIfPresent(7) ?? "")
            if let last = chunks.last, last.0 == line.channel, last.1.count < env.settings.maxItemsPerFile {
                chunks[chunks.count - 1].1.append(line)
            } else {
                chunks.append((line.channel, [line]))
            }
        }
        var fileNumber: [String: Int] = [:]
        for (channel, lines) in chunks {
            fileNumber[channel, default: 0] += 1
            let number = fileNumber[channel] ?? 0
            let base = "\(channel)-\(String(format: "%03d", number))"
            let writer = Pain001Writer(
                channel: try #require(env.settings.channel(channel)), initiatingParty: env.settings.initiatingPartyName,
                businessDate: day, createdAt: createdAt)
            let sum = lines.reduce(Int64(0)) { $0 + $1.amount }
            for (name, bytes) in [(base + ".csv", PayoutCSVWriter.render(lines)), (base + ".xml", writer.render(lines, fileNumber: number))] {
                files[name] = bytes
                entries.append(FileEntry(name: name, sha256: Digest.sha256Hex(bytes), rows: lines.count, sum: sum))
            }
        }
        return (files, entries)
    }

    /// A file that cannot be written in the middle of the batch (a directory where it goes):
    /// the night fails with a sentence, no manifest is written or recorded, nothing after the
    /// failed file is written, and once the obstacle is gone the next run writes exactly the
    /// files of a batch that never failed.
    @Test func aWriteThatFailsMidBatchLeavesNoManifestAndTheNextRunFinishes() throws {
        let env = try TestEnvironment()
        env.settings.maxItemsPerFile = 1
        try BatchFilesTests.populate(env, count: 24)
        let folder = env.output.appending(path: "2020-06-01")
        let obstacle = folder.appending(path: "GOPAY-002.csv")
        try FileManager.default.createDirectory(at: obstacle.appending(path: "inside"), withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: env.output.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        do {
            try env.run("2020-06-01")
            Issue.record("the night wrote over a directory")
        } catch {
            #expect("\(error)".contains("GOPAY-002.csv"), "\(error)")
        }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(!names.contains("manifest.json"))
        #expect(try env.count("SELECT count(*) FROM disbursement.batches WHERE manifest_sha256 IS NOT NULL") == 0)
        // Files are written in chunk order: nothing of a later channel.
        #expect(!names.contains { $0.hasPrefix("LINKAJA") || $0.hasPrefix("OVO") || $0.hasPrefix("VA") }, "\(names.sorted())")
        #expect(names.contains("GOPAY-001.xml"))

        try FileManager.default.removeItem(at: obstacle)
        #expect(try env.run("2020-06-01").alreadyRecorded)
        let (reference, entries) = try Self.inPlaceRendering(env, date: "2020-06-01")
        let manifest = try Manifest.decode(try Data(contentsOf: folder.appending(path: "manifest.json")))
        #expect(manifest.files == entries)
        for (name, bytes) in reference {
            #expect(try [UInt8](Data(contentsOf: folder.appending(path: name))) == bytes, "\(name)")
        }
    }
}

/// Counts chunks between submit and take (the test's own bookkeeping, on the calling thread).
private final class Flight {
    private(set) var inFlight = 0
    func takeOff() { inFlight += 1 }
    func land() { inFlight -= 1 }
}
