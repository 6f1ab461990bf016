import Foundation
import Testing

@testable import Disbursement

/// Each row sets up one participant whose incentive (or training) must be held for exactly one reason.
@Suite("hold reasons")
struct HoldReasonTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let reason: String
        let kind: String
        let setUp: @Sendable (Registry) throws -> Void
        var testDescription: String { reason }
    }

    static let cases: [Case] = [
        Case(reason: "NOT_APPROVED", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1, status: "revoked"); try r.completion(1); try r.account(1)
        },
        Case(reason: "DUPLICATE_DECREE", kind: "TRAINING") { r in
            try r.decree("SK-2", issuedOn: "2020-04-15"); try r.payableParticipant(1); try r.member(1, decree: "SK-2")
        },
        Case(reason: "INVALID_NIK", kind: "TRAINING") { r in
            try r.registrant(1, nik: "31710A0000000001"); try r.member(1)
        },
        Case(reason: "INVALID_NIK", kind: "TRAINING") { r in
            try r.registrant(1, nik: "3171 000000000001"); try r.member(1)
        },
        Case(reason: "INVALID_NIK", kind: "TRAINING") { r in
            try r.registrant(1, nik: "317100000000001"); try r.member(1)
        },
        Case(reason: "DUPLICATE_NIK", kind: "INCENTIVE") { r in
            try r.payableParticipant(1); try r.registrant(2, nik: Registry.nik(1))
        },
        Case(reason: "NO_LINKED_ACCOUNT", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1)
        },
        Case(reason: "NO_LINKED_ACCOUNT", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, status: "closed")
        },
        Case(reason: "ACCOUNT_NOT_ACTIVE", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, status: "inactive")
        },
        Case(reason: "ACCOUNT_NOT_UPGRADED", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1)
            try r.account(1, provider: "OVO", kind: "ewallet", upgraded: false)
        },
        Case(reason: "ACCOUNT_OWNER_MISMATCH", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, ownerNIK: "3171999999999999")
        },
        Case(reason: "ACCOUNT_OWNER_MISMATCH", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, ownerNIK: .some(nil))
        },
        Case(reason: "PHONE_MISMATCH", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1)
            try r.account(1, provider: "GOPAY", kind: "ewallet", number: "6289999999999")
        },
        Case(reason: "INVALID_ACCOUNT_NO", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, number: String(repeating: "1", count: 35))
        },
        Case(reason: "INVALID_ACCOUNT_NO", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, number: "0012;DROP")
        },
        Case(reason: "UNSUPPORTED_CHANNEL", kind: "INCENTIVE") { r in
            try r.registrant(1); try r.member(1); try r.completion(1); try r.account(1, provider: "JENIUS")
        },
    ]

    @Test(arguments: cases)
    func heldForExactlyThisReason(_ testCase: Case) throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try testCase.setUp(env.registry)
        try env.run("2020-06-01")
        #expect(try env.hold(1, testCase.kind) == testCase.reason)
        #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 1 AND kind = $1", [testCase.kind]) == 0)
        #expect(try env.count("SELECT count(DISTINCT reason) FROM disbursement.holds WHERE registrant_id = 1 AND kind = $1 AND number = 1", [testCase.kind]) == 1)
    }

    @Test func aLocalPhoneFormatMatchesTheInternationalOne() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.registrant(1, phone: "081200000001")
        try env.registry.member(1)
        try env.registry.completion(1)
        try env.registry.account(1, provider: "DANA", kind: "ewallet", number: "+62 812-0000-0001")
        try env.run("2020-06-01")
        #expect(try env.hold(1, "INCENTIVE") == nil)
        #expect(try env.payouts(1).contains("INCENTIVE1@DANA"))
    }

    @Test func theAccountInForceIsTheLatestLinkedThatIsNotClosed() throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.registrant(1)
        try env.registry.member(1)
        try env.registry.completion(1)
        try env.registry.account(1, accountID: 1, provider: "BCA", linkedAt: "2020-04-01")
        try env.registry.account(1, accountID: 2, provider: "BNI", status: "closed", linkedAt: "2020-05-01")
        try env.run("2020-06-01")
        #expect(try env.payouts(1).contains("INCENTIVE1@BCA"))
    }
}
