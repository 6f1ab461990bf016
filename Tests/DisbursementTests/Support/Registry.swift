import Foundation

@testable import Disbursement

/// Builds small, exact registries for tests: one call per upstream row, all through bound parameters.
struct Registry {
    let connection: Connection

    static let scheme2020 = (training: Int64(1_000_000), incentive: Int64(600_000), tranches: 4, interval: 30,
                             survey: Int64(50_000), surveys: 3)

    func decree(
        _ number: String, wave: Int = 1, issuedOn: String = "2020-04-01", payableUntil: String? = nil,
        training: Int64 = scheme2020.training, incentive: Int64 = scheme2020.incentive
    ) throws {
        try connection.execute(
            """
            INSERT INTO registry.decrees VALUES ($1, $2, $3::date, $4, $5, 4, 30, 50000, 3, $6::date)
            """, [number, wave, issuedOn, training, incentive, payableUntil])
    }

    /// A registrant with a valid NIK derived from the id unless one is given.
    func registrant(_ id: Int64, nik: String? = nil, name: String = "Siti Nur'aini", phone: String = "6281200000000") throws {
        try connection.execute(
            """
            INSERT INTO registry.registrants (registrant_id, nik, full_name, birth_date, phone, email, province_code,
                                              registered_at, email_verified_at, nik_verified_at, phone_verified_at)
            VALUES ($1, $2, $3, '1990-01-01', $4, 'x@example.id', '31', '2020-04-01', '2020-04-01', '2020-04-01', '2020-04-01')
            """, [id, nik ?? Self.nik(id), name, phone == "6281200000000" ? Self.phone(id) : phone])
    }

    static func nik(_ id: Int64) -> String { "3171" + String(format: "%012lld", id) }
    static func phone(_ id: Int64) -> String { "62812" + String(format: "%08lld", id) }

    func member(_ id: Int64, decree: String = "SK-1", status: String = "approved") throws {
        try connection.execute(
            "INSERT INTO registry.decree_members VALUES ($1, $2, $3, '2020-04-02')", [decree, id, status])
    }

    func completion(_ id: Int64, on date: String = "2020-05-01", certificate: String? = "CERT", rating: Int? = 5,
                    review: String? = "Bagus") throws
    {
        try connection.execute(
            "INSERT INTO registry.training_completions VALUES ($1, 'C-1', ($2::text || ' 10:00+07')::timestamptz, $3, $4, $5)",
            [id, date, certificate, rating, review])
    }

    func survey(_ id: Int64, number: Int, on date: String) throws {
        try connection.execute(
            "INSERT INTO registry.survey_responses VALUES ($1, $2, ($3::text || ' 10:00+07')::timestamptz)", [id, number, date])
    }

    /// A payout account; by default a correct, active BNI account in the registrant's name.
    func account(
        _ id: Int64, accountID: Int64? = nil, provider: String = "BNI", kind: String = "bank", number: String? = nil,
        ownerNIK: String?? = .none, upgraded: Bool = true, status: String = "active", linkedAt: String = "2020-04-10"
    ) throws {
        let accountNumber = number ?? (kind == "ewallet" ? Self.phone(id) : "00" + String(id))
        let owner: String? = ownerNIK ?? Self.nik(id)
        try connection.execute(
            """
            INSERT INTO registry.payout_accounts VALUES ($1, $2, $3, $4, $5, 'Siti Nur''aini', $6, $7, $8,
                                                         $9::timestamptz, $9::timestamptz)
            """,
            [accountID ?? id * 10, id, provider, kind, accountNumber, owner, upgraded, status, linkedAt])
    }

    /// The usual fully-payable participant: approved, trained on 2020-05-01, linked to BNI.
    func payableParticipant(_ id: Int64, decree: String = "SK-1") throws {
        try registrant(id)
        try member(id, decree: decree)
        try completion(id)
        try account(id)
    }
}
