import Foundation
import Testing

@testable import Disbursement

/// The end-to-end id is written by the night's SQL, checked by the payouts table and read by
/// reconciliation in Swift: one format, proven equal on every payout of a generated night.
@Suite("end-to-end id")
struct EndToEndIDTests {
    @Test func formatAndParseAreInverse() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let id = EndToEndID(
                registrantID: Int64.random(in: 1...999_999_999_999_999_999, using: &generator),
                kind: EntitlementKind.allCases.randomElement(using: &generator) ?? .training,
                number: Int32.random(in: 1...999_999_999, using: &generator),
                attempt: Int32.random(in: 1...999_999_999, using: &generator))
            #expect(EndToEndID(id.description) == id, "\(id)")
        }
        #expect(EndToEndID(registrantID: 42, kind: .incentive, number: 3, attempt: 2).description == "PK-42-I3-2")
    }

    @Test func theNightWritesExactlyTheFormatSwiftReads() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 3000, seed: 11)
        try env.run("2020-06-01")
        try env.run("2020-07-15")
        var checked = 0
        try env.connection.forEachRow("SELECT end_to_end_id, registrant_id, kind, number, attempt FROM disbursement.payouts") { row in
            let text = try row.decode(0, as: String.self)
            let id = EndToEndID(
                registrantID: try row.decode(1, as: Int64.self), kind: try row.decode(2, as: EntitlementKind.self),
                number: Int32(try row.decode(3, as: Int.self)), attempt: Int32(try row.decode(4, as: Int.self)))
            #expect(id.description == text)
            #expect(EndToEndID(text) == id)
            checked += 1
        }
        #expect(checked > 1000)
        #expect(try env.count("SELECT count(DISTINCT kind) FROM disbursement.payouts") == EntitlementKind.allCases.count)
    }
}
