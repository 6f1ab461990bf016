import Foundation

@testable import Disbursement

/// Who may be paid what on a business date, worked out in Swift from the registry rows read
/// plainly (SPEC §2, §3), without any of the night's SQL. The search tests hold the tool to it:
/// never a payout this model forbids; every entitlement it says is due and payable paid; every
/// one it says is due in some state.
struct RegistryModel {
    struct Scheme {
        let number: String
        let issuedOn: String
        let payableUntil: String?
        let training: Int64, incentive: Int64, survey: Int64
        let tranches: Int, interval: Int, surveys: Int
    }

    struct Account {
        let id: Int64?
        let provider: String?, kind: String?, number: String?, ownerNIK: String?, status: String?
        let upgraded: Bool?
        let linkedAt: Int64?
    }

    struct Key: Hashable, CustomStringConvertible {
        let registrant: Int64, kind: String, number: Int
        var description: String { "\(registrant)/\(kind)\(number)" }
    }

    let date: String
    let settings: Settings
    private var registrants: [Int64: [(nik: String?, phone: String?)]] = [:]
    private var nikCount: [String: Int] = [:]
    private var decreeRows: [String: [[String?]]] = [:]
    private var members: [Int64: [(decree: String?, status: String?)]] = [:]
    /// Every qualifying completion's Jakarta day (the rule of which count is applied in `due`).
    private var qualifiedDays: [Int64: [String]] = [:]
    private var surveys: [Int64: [Int: String]] = [:]
    private var accounts: [Int64: [Account]] = [:]
    /// Registrants each (provider, number key) was paid to before the date (not TRAINING; issued,
    /// pending or paid: a failed or returned payout left no money there).
    private var paidNumbers: [String: Set<Int64>] = [:]

    /// Registrants each NIK was beyond doubt for on a night that gave them a VA or paid them,
    /// as the search saw it (`recordNIKs`), before the date.
    let recordedNIKs: [String: Set<Int64>]

    /// The first qualifying completion day of each sound participant, the earliest any night
    /// before the date saw (`keepFirstDays`).
    let keptFirstDays: [Int64: String]

    init(
        _ connection: Connection, date: String, settings: Settings, recordedNIKs: [String: Set<Int64>] = [:],
        keptFirstDays: [Int64: String] = [:]
    ) throws {
        self.date = date
        self.settings = settings
        self.recordedNIKs = recordedNIKs
        self.keptFirstDays = keptFirstDays
        for row in try connection.query("SELECT registrant_id, nik, phone FROM registry.registrants") {
            if let nik = row.values[1] { nikCount[nik, default: 0] += 1 }
            guard let id = row.values[0].flatMap({ Int64($0) }) else { continue }
            registrants[id, default: []].append((row.values[1], row.values[2]))
        }
        for row in try connection.query(
            """
            SELECT decree_no, to_char(issued_on, 'YYYY-MM-DD'), to_char(payable_until, 'YYYY-MM-DD'), training_amount::text,
                   incentive_amount::text, survey_amount::text, incentive_tranches::text, incentive_interval_days::text,
                   survey_count::text
              FROM registry.decrees
            """)
        {
            guard let number = row.values[0] else { continue }
            decreeRows[number, default: []].append(Array(row.values.dropFirst()))
        }
        for row in try connection.query("SELECT registrant_id, decree_no, status FROM registry.decree_members") {
            guard let id = row.values[0].flatMap({ Int64($0) }) else { continue }
            members[id, default: []].append((row.values[1], row.values[2]))
        }
        for row in try connection.query(
            """
            SELECT registrant_id, CASE WHEN completed_at BETWEEN '1000-01-01' AND '9999-01-01'
                                       THEN to_char(completed_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD') END, certificate_no,
                   rating::text, review
              FROM registry.training_completions
            """)
        {
            guard let id = row.values[0].flatMap({ Int64($0) }), let day = row.values[1],
                  Self.nonBlank(row.values[2]), Self.nonBlank(row.values[4]),
                  let rating = row.values[3].flatMap({ Int($0) }), (1...5).contains(rating)
            else { continue }
            qualifiedDays[id, default: []].append(day)
        }
        for row in try connection.query(
            """
            SELECT registrant_id, survey_no::text, CASE WHEN submitted_at BETWEEN '1000-01-01' AND '9999-01-01'
                   THEN to_char(submitted_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD') END
              FROM registry.survey_responses
            """)
        {
            guard let id = row.values[0].flatMap({ Int64($0) }), let number = row.values[1].flatMap({ Int($0) }),
                  // Before the programme or after the date, a submission is not real (yet).
                  let day = row.values[2], day >= "2000-01-01", day <= date else { continue }
            if surveys[id]?[number].map({ day < $0 }) ?? true { surveys[id, default: [:]][number] = day }
        }
        for row in try connection.query(
            """
            SELECT registrant_id, account_id::text, provider, kind, account_no, owner_nik, status, upgraded::text,
                   (extract(epoch FROM linked_at) * 1000000)::bigint::text
              FROM registry.payout_accounts
            """)
        {
            guard let id = row.values[0].flatMap({ Int64($0) }) else { continue }
            accounts[id, default: []].append(Account(
                id: row.values[1].flatMap { Int64($0) }, provider: row.values[2], kind: row.values[3], number: row.values[4],
                ownerNIK: row.values[5], status: row.values[6], upgraded: row.values[7].map { $0 == "true" },
                linkedAt: row.values[8].flatMap { Int64($0) }))
        }
        for row in try connection.query(
            """
            SELECT channel, account_no, registrant_id::text FROM disbursement.payouts
             WHERE kind <> 'TRAINING' AND business_date < $1::date AND status IN ('ISSUED', 'PENDING', 'PAID')
            """, [date])
        {
            guard let channel = row.values[0], let id = row.values[2].flatMap({ Int64($0) }) else { continue }
            paidNumbers["\(channel)|\(Self.numberKey(row.values[1]))", default: []].insert(id)
        }
    }

    /// A number as accounts are told apart: ASCII letters and digits only, upper case.
    static func numberKey(_ text: String?) -> String {
        String(String.UnicodeScalarView((text ?? "").unicodeScalars.filter {
            (0x30...0x39).contains($0.value) || (0x41...0x5A).contains($0.value) || (0x61...0x7A).contains($0.value)
        })).uppercased()
    }

    /// The provider and number key of a registrant's account in force, or nil when it has none
    /// that can be compared. An e-wallet's number is taken in its 62… form first.
    func accountKey(_ id: Int64) -> String? {
        guard let account = accountInForce(id), let provider = account.provider else { return nil }
        let number = settings.channel(provider)?.kind == .ewallet ? Self.normalizedPhone(account.number) : account.number
        let key = Self.numberKey(number)
        return key.isEmpty ? nil : "\(provider)|\(key)"
    }

    /// Whether another registrant's account in force carries the same number, or the number
    /// was paid to another registrant before (SHARED_ACCOUNT).
    func accountShared(_ id: Int64) -> Bool {
        guard let key = accountKey(id) else { return false }
        if paidNumbers[key, default: []].contains(where: { $0 != id }) { return true }
        return accounts.keys.contains { $0 != id && accountKey($0) == key }
    }

    static func nonBlank(_ text: String?) -> Bool {
        guard let text else { return false }
        return !text.trimmingCharacters(in: CharacterSet(charactersIn: " ")).isEmpty
    }

    /// A decree that can be paid as written, or nil.
    func scheme(_ number: String?) -> Scheme? {
        guard let number, let rows = decreeRows[number], rows.count == 1 else { return nil }
        let row = rows[0]
        guard let issued = row[0], issued >= "2000-01-01",
              let training = row[2].flatMap({ Int64($0) }), (1...10_000_000_000).contains(training),
              let incentive = row[3].flatMap({ Int64($0) }), (1...10_000_000_000).contains(incentive),
              let survey = row[4].flatMap({ Int64($0) }), (1...10_000_000_000).contains(survey),
              let tranches = row[5].flatMap({ Int($0) }), (0...120).contains(tranches),
              let interval = row[6].flatMap({ Int($0) }), (0...3660).contains(interval),
              let count = row[7].flatMap({ Int($0) }), (0...120).contains(count)
        else { return nil }
        if let until = row[1], until < issued { return nil }
        return Scheme(number: number, issuedOn: issued, payableUntil: row[1], training: training, incentive: incentive,
                      survey: survey, tranches: tranches, interval: interval, surveys: count)
    }

    /// The scheme of an approved participant whose approval is beyond doubt: every membership
    /// row in force names the same decree, says exactly 'approved', and the decree is payable
    /// as written and in force.
    func approvedScheme(_ id: Int64) -> Scheme? {
        let rows = (members[id] ?? []).filter { row in
            // Memberships of a decree issued after the date do not exist yet for the date.
            guard let number = row.decree, let issued = decreeRows[number]?.compactMap({ $0[0] }).min() else { return true }
            return issued <= date
        }
        guard let first = rows.first, let number = first.decree,
              rows.allSatisfy({ $0.decree == number && $0.status == "approved" }),
              let scheme = scheme(number), scheme.issuedOn <= date
        else { return nil }
        return scheme
    }

    func identityOK(_ id: Int64) -> Bool {
        guard let rows = registrants[id], rows.count == 1, let nik = rows[0].nik,
              nik.utf8.count == 16, nik.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              nikCount[nik] == 1,
              // The same person registered again under another id (REREGISTERED_NIK).
              !(recordedNIKs[nik] ?? []).contains(where: { $0 != id })
        else { return false }
        return true
    }

    /// After the night: the NIKs beyond doubt of those it paid and of those it numbered with
    /// something owed tonight (a decree past payable_until owes nothing more), added to the record.
    func recordNIKs(paid: Set<Int64>, numbered: Set<Int64>) -> [String: Set<Int64>] {
        var record = recordedNIKs
        for id in paid.union(numbered) where identityOK(id) {
            if !paid.contains(id), approvedScheme(id)?.payableUntil.map({ $0 < date }) ?? false { continue }
            guard let nik = registrants[id]?.first?.nik else { continue }
            record[nik, default: []].insert(id)
        }
        return record
    }

    static func normalizedPhone(_ text: String?) -> String? {
        let digits = String((text ?? "").unicodeScalars.filter { (0x30...0x39).contains($0.value) }.map(Character.init))
        // 0062… and 620… (the international prefix, the trunk 0 after the country code) are 62….
        var rest = Substring(digits)
        if rest.hasPrefix("0062") { rest = "62" + rest.dropFirst(4) }
        if rest.hasPrefix("620") { rest = "62" + rest.dropFirst(3) }
        let canonical = rest.hasPrefix("0") ? "62" + rest.dropFirst() : String(rest)
        return canonical.isEmpty ? nil : canonical
    }

    func accountInForce(_ id: Int64) -> Account? {
        (accounts[id] ?? []).filter { $0.status != "closed" }.max { a, b in
            switch (a.linkedAt, b.linkedAt) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return true
            case (_?, nil): return false
            // account_id DESC puts a NULL first, as PostgreSQL sorts it.
            default: return (a.id ?? .max) < (b.id ?? .max)
            }
        }
    }

    /// Channel and number an incentive or survey may be paid to today, or why not.
    func payableAccount(_ id: Int64) -> Result<(channel: String, number: String), Reason> {
        // An account without an id cannot be told from another one later: not payable.
        guard let account = accountInForce(id), account.id != nil else { return .failure("no account") }
        guard account.status == "active" else { return .failure("account not active") }
        guard let provider = account.provider, let channel = settings.channel(provider), channel.enabled,
              channel.kind == .bank || channel.kind == .ewallet
        else { return .failure("provider not a payable channel") }
        guard account.kind == channel.kind.rawValue else { return .failure("kind mismatch") }
        let nik = registrants[id]?.first?.nik
        guard let owner = account.ownerNIK, owner == nik else { return .failure("owner mismatch") }
        guard !accountShared(id) else { return .failure("account shared with another registrant") }
        if channel.kind == .ewallet {
            guard account.upgraded == true else { return .failure("not upgraded") }
            guard let number = Self.normalizedPhone(account.number),
                  number == Self.normalizedPhone(registrants[id]?.first?.phone) else { return .failure("phone mismatch") }
            guard number.hasPrefix("62"), (8...15).contains(number.utf8.count) else { return .failure("e-wallet number") }
            return .success((provider, number))
        }
        guard let number = account.number, (1...34).contains(number.utf8.count),
              number.utf8.allSatisfy({ Self.bankCharacter($0) }), number.utf8.first.map({ $0 != 0x20 && $0 != 0x2D }) == true,
              number.utf8.contains(where: { (0x30...0x39).contains($0) })
        else { return .failure("bank number") }
        return .success((provider, number))
    }

    static func bankCharacter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x20 || byte == 0x2D
    }

    struct Reason: Error, CustomStringConvertible, ExpressibleByStringLiteral {
        let description: String
        init(stringLiteral value: String) { description = value }
        init(_ value: String) { description = value }
    }

    /// The first day a completion qualifies today: from the decree's issue, and not after the date.
    func qualifiedDay(_ id: Int64, _ scheme: Scheme) -> String? {
        (qualifiedDays[id] ?? []).filter({ $0 >= scheme.issuedOn && $0 >= "2000-01-01" && $0 <= date }).min()
    }

    /// A kept first day on which no completion qualifies any more (COMPLETION_WITHDRAWN): the
    /// incentives and surveys counted from it are owed but not payable.
    func completionWithdrawn(_ id: Int64) -> Bool {
        guard let kept = keptFirstDays[id] else { return false }
        guard let scheme = approvedScheme(id), let current = qualifiedDay(id, scheme) else { return true }
        return current > kept
    }

    /// After the night: each sound participant's first qualifying day, kept at its earliest.
    func keepFirstDays() -> [Int64: String] {
        var kept = keptFirstDays
        for id in participants {
            guard let scheme = approvedScheme(id), let current = qualifiedDay(id, scheme) else { continue }
            if kept[id].map({ current < $0 }) ?? true { kept[id] = current }
        }
        return kept
    }

    /// Every entitlement due on the date with its amount, for a participant beyond doubt.
    func due(_ id: Int64) -> [Key: Int64] {
        guard let scheme = approvedScheme(id) else { return [:] }
        var result: [Key: Int64] = [Key(registrant: id, kind: "TRAINING", number: 1): scheme.training]
        // The earlier of today's first qualifying day and the one kept: what it made owed stays.
        guard let first = [qualifiedDay(id, scheme), keptFirstDays[id]].compactMap({ $0 }).min() else { return result }
        if scheme.tranches > 0 {
            for n in 1...scheme.tranches where Self.add(days: (n - 1) * scheme.interval, to: first) <= date {
                result[Key(registrant: id, kind: "INCENTIVE", number: n)] = scheme.incentive
            }
        }
        for (number, day) in surveys[id] ?? [:] where (1...max(1, scheme.surveys)).contains(number) && number <= scheme.surveys {
            if max(day, first) <= date { result[Key(registrant: id, kind: "SURVEY", number: number)] = scheme.survey }
        }
        return result
    }

    /// Why a payout made on the date must not exist, or nil when it may.
    func forbidden(registrant id: Int64, kind: String, number: Int, channel: String, accountNo: String, amount: Int64, va: String?) -> String? {
        guard let scheme = approvedScheme(id) else { return "not an approved participant of a sound decree" }
        if let until = scheme.payableUntil, until < date { return "decree past payable_until" }
        guard identityOK(id) else { return "identity (NIK) not beyond doubt" }
        guard let expected = due(id)[Key(registrant: id, kind: kind, number: number)] else { return "not due" }
        guard amount == expected else { return "amount \(amount) instead of \(expected)" }
        if kind == "TRAINING" {
            guard channel == "VA", accountNo == va, settings.channel("VA")?.enabled == true else { return "training not to the VA" }
            return nil
        }
        if completionWithdrawn(id) { return "its qualifying completion was withdrawn" }
        switch payableAccount(id) {
        case .failure(let reason): return reason.description
        case .success(let target):
            return target.channel == channel && target.number == accountNo ? nil : "paid to \(channel) instead of \(target.channel)"
        }
    }

    var participants: [Int64] { Array(members.keys) }

    /// Calendar arithmetic on YYYY-MM-DD (proleptic Gregorian, H. Hinnant's days-from-civil).
    static func add(days: Int, to day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        let y0 = parts[1] <= 2 ? parts[0] - 1 : parts[0]
        let era = (y0 >= 0 ? y0 : y0 - 399) / 400
        let yoe = y0 - era * 400
        let doy = (153 * (parts[1] + (parts[1] > 2 ? -3 : 9)) + 2) / 5 + parts[2] - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let z = era * 146097 + doe - 719468 + days + 719468
        let era2 = (z >= 0 ? z : z - 146096) / 146097
        let doe2 = z - era2 * 146097
        let yoe2 = (doe2 - doe2 / 1460 + doe2 / 36524 - doe2 / 146096) / 365
        let doy2 = doe2 - (365 * yoe2 + yoe2 / 4 - yoe2 / 100)
        let mp = (5 * doy2 + 2) / 153
        let d = doy2 - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe2 + era2 * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}
