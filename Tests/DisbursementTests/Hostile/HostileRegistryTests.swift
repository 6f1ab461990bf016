import Foundation
import Testing

@testable import Disbursement

/// Hostile registry rows, one per case: each ends in a hold, a payment whose files are valid,
/// or "not due". None may crash the run, stop it for anyone else or leave half a batch; a
/// decree that cannot be paid as written holds its members and is named on stderr.
@Suite("hostile registry rows")
struct HostileRegistryTests {
    enum Outcome: Sendable, CustomStringConvertible {
        case paid(String)  // a payout of this kind, and every file of the night valid
        case held(String, String)  // kind, reason
        case notDue(String)  // no payout and no hold of this kind
        case expired(String)
        case invalidDecree(String)  // TRAINING held INVALID_DECREE for both members, decree named on stderr

        var description: String {
            switch self {
            case .paid(let kind): "paid \(kind)"
            case .held(let kind, let reason): "\(kind) held \(reason)"
            case .notDue(let kind): "\(kind) not due"
            case .expired(let kind): "\(kind) expired"
            case .invalidDecree(let text): "held INVALID_DECREE, warning naming \(text)"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let sql: String
        let value: String?
        let outcome: Outcome
        var testDescription: String { "\(label) → \(outcome)" }

        init(_ label: String, _ sql: String, _ value: String?, _ outcome: Outcome) {
            self.label = label
            self.sql = sql
            self.value = value
            self.outcome = outcome
        }
    }

    static let name = "UPDATE registry.payout_accounts SET account_name = $1 WHERE registrant_id = 1"
    static let nik = "UPDATE registry.registrants SET nik = $1 WHERE registrant_id = 1"
    static let accountNo = "UPDATE registry.payout_accounts SET account_no = $1 WHERE registrant_id = 1"
    static let provider = "UPDATE registry.payout_accounts SET provider = $1 WHERE registrant_id = 1"
    static let decree = "UPDATE registry.decrees SET "
    static let long = String(repeating: "Nur ", count: 2_560)

    static let cases: [Case] = [
        // Names: escaped in XML, shortened on a character boundary, neutralised in CSV.
        Case("SQL in a name", name, "Robert'); DROP TABLE registry.registrants;--", .paid("INCENTIVE")),
        Case("markup in a name", name, "<script>alert(\"&amp;\")</script> O'Brien", .paid("INCENTIVE")),
        Case("10 kB name", name, long, .paid("INCENTIVE")),
        Case("right-to-left marks", name, "\u{202E}Ahmad\u{202C} \u{200F}Yusuf\u{200E}", .paid("INCENTIVE")),
        Case("control characters", name, "Ahmad\u{01}\u{07}\u{1B}[31m Yusuf\u{7F}", .paid("INCENTIVE")),
        Case("line breaks and tabs", name, "Ahmad\nYusuf\r\n\tSiregar", .paid("INCENTIVE")),
        Case("formula =", name, "=HYPERLINK(\"http://evil\",\"x\")", .paid("INCENTIVE")),
        Case("formula +", name, "+62812 Budi", .paid("INCENTIVE")),
        Case("formula -", name, "-Budi Santoso", .paid("INCENTIVE")),
        Case("formula @", name, "@SUM(A1:A9)", .paid("INCENTIVE")),
        Case("emoji beyond 140 characters", name, String(repeating: "😀", count: 3_000), .paid("INCENTIVE")),
        Case("combining accents", name, String(repeating: "e\u{0301}", count: 200), .paid("INCENTIVE")),
        Case("only control characters", name, "\u{01}\u{02}\u{03}", .paid("INCENTIVE")),
        Case("empty account name", name, "", .paid("INCENTIVE")),
        Case("no account name", name, nil, .paid("INCENTIVE")),
        Case("10 kB registrant name on the VA credit",
             "UPDATE registry.registrants SET full_name = $1 WHERE registrant_id = 1", long + "'; --", .paid("TRAINING")),
        Case("leading zeros in an account", accountNo, "0000000123", .paid("INCENTIVE")),
        // NIKs: anything but 16 ASCII digits is invalid, and nothing is guessed.
        Case("NIK with spaces", nik, "3171 0000 0000 0001", .held("TRAINING", "INVALID_NIK")),
        Case("NIK with a leading space", nik, " 3171000000000001", .held("TRAINING", "INVALID_NIK")),
        Case("NIK with a letter", nik, "317100000000000A", .held("TRAINING", "INVALID_NIK")),
        Case("NIK of 17 digits", nik, "31710000000000001", .held("TRAINING", "INVALID_NIK")),
        Case("NIK of 15 digits", nik, "317100000000001", .held("TRAINING", "INVALID_NIK")),
        Case("empty NIK", nik, "", .held("TRAINING", "INVALID_NIK")),
        Case("no NIK", nik, nil, .held("TRAINING", "INVALID_NIK")),
        Case("Arabic-Indic digits", nik, "٣١٧١٠٠٠٠٠٠٠٠٠٠٠١", .held("TRAINING", "INVALID_NIK")),
        Case("full-width digits", nik, "３１７１０００００００００００１", .held("TRAINING", "INVALID_NIK")),
        Case("SQL in a NIK", nik, "3171000000000001'; --", .held("TRAINING", "INVALID_NIK")),
        Case("NIK shared with another registrant", nik, Registry.nik(2), .held("TRAINING", "DUPLICATE_NIK")),
        Case("no registrant row", "DELETE FROM registry.registrants WHERE registrant_id = 1 AND $1::text IS NULL", nil,
             .held("TRAINING", "INVALID_NIK")),
        // Accounts.
        Case("account number of 35 characters", accountNo, String(repeating: "9", count: 35), .held("INCENTIVE", "INVALID_ACCOUNT_NO")),
        Case("empty account number", accountNo, "", .held("INCENTIVE", "INVALID_ACCOUNT_NO")),
        Case("no account number", accountNo, nil, .held("INCENTIVE", "INVALID_ACCOUNT_NO")),
        Case("line break in an account number", accountNo, "123\n456", .held("INCENTIVE", "INVALID_ACCOUNT_NO")),
        Case("Arabic-Indic account digits", accountNo, "١٢٣٤٥", .held("INCENTIVE", "INVALID_ACCOUNT_NO")),
        Case("formula as an account number", accountNo, "=1+1", .held("INCENTIVE", "INVALID_ACCOUNT_NO")),
        Case("lower-case provider", provider, "bni", .held("INCENTIVE", "UNSUPPORTED_CHANNEL")),
        Case("SQL in a provider", provider, "BNI'; DROP TABLE x;--", .held("INCENTIVE", "UNSUPPORTED_CHANNEL")),
        Case("no provider", provider, nil, .held("INCENTIVE", "UNSUPPORTED_CHANNEL")),
        Case("owner NIK with spaces", "UPDATE registry.payout_accounts SET owner_nik = $1 WHERE registrant_id = 1",
             "3171 0000 0000 0001", .held("INCENTIVE", "ACCOUNT_OWNER_MISMATCH")),
        Case("no account status", "UPDATE registry.payout_accounts SET status = NULL WHERE registrant_id = 1 AND $1::text IS NULL",
             nil, .held("INCENTIVE", "ACCOUNT_NOT_ACTIVE")),
        Case("e-wallet upgraded unknown",
             "UPDATE registry.payout_accounts SET provider = 'OVO', kind = 'ewallet', account_no = $1, upgraded = NULL WHERE registrant_id = 1",
             Registry.phone(1), .held("INCENTIVE", "ACCOUNT_NOT_UPGRADED")),
        Case("e-wallet number written with +62, spaces and dashes",
             "UPDATE registry.payout_accounts SET provider = 'OVO', kind = 'ewallet', account_no = $1 WHERE registrant_id = 1",
             "+62 812-0000-0001", .paid("INCENTIVE")),
        Case("no linked_at", "UPDATE registry.payout_accounts SET linked_at = NULL WHERE registrant_id = 1 AND $1::text IS NULL",
             nil, .paid("INCENTIVE")),
        // Dates at the ends of the calendar.
        // Before the programme existed: not a completion (the night attack's F6).
        Case("completed in year 1", "UPDATE registry.training_completions SET completed_at = $1::timestamptz WHERE registrant_id = 1",
             "0001-01-01", .notDue("INCENTIVE")),
        Case("completed in 9999", "UPDATE registry.training_completions SET completed_at = $1::timestamptz WHERE registrant_id = 1",
             "9999-12-31", .notDue("INCENTIVE")),
        Case("born in year 1", "UPDATE registry.registrants SET birth_date = $1::date WHERE registrant_id = 1",
             "0001-01-01", .paid("INCENTIVE")),
        Case("payable until 9999", decree + "payable_until = $1::date", "9999-12-31", .paid("INCENTIVE")),
        Case("payable until before issued", decree + "payable_until = $1::date", "2020-03-31", .invalidDecree("SK-1")),
        Case("payable until passed", decree + "payable_until = $1::date", "2020-05-31", .expired("INCENTIVE")),
        Case("decree issued in 9999", decree + "issued_on = $1::date", "9999-12-31", .notDue("TRAINING")),
        Case("registered in year 1", "UPDATE registry.registrants SET registered_at = $1::timestamptz WHERE registrant_id = 1",
             "0001-01-01", .paid("TRAINING")),
        // Decrees that cannot be paid as written: their members are held, the night goes on.
        Case("training amount 0", decree + "training_amount = $1::bigint", "0", .invalidDecree("SK-1")),
        Case("negative incentive", decree + "incentive_amount = $1::bigint", "-1", .invalidDecree("SK-1")),
        Case("amount at the bigint limit", decree + "survey_amount = $1::bigint", "9223372036854775807", .invalidDecree("SK-1")),
        Case("no training amount", decree + "training_amount = $1::bigint", nil, .invalidDecree("SK-1")),
        Case("two billion tranches", decree + "incentive_tranches = $1::int", "2147483647", .invalidDecree("SK-1")),
        Case("negative survey count", decree + "survey_count = $1::int", "-5", .invalidDecree("SK-1")),
        Case("no issue date", decree + "issued_on = $1::date", nil, .invalidDecree("SK-1")),
        Case("issued in year 1", decree + "issued_on = $1::date", "0001-01-01", .invalidDecree("SK-1")),
        Case("no interval", decree + "incentive_interval_days = $1::int", nil, .invalidDecree("SK-1")),
        Case("decree row missing", "DELETE FROM registry.decrees WHERE decree_no = 'SK-1' AND $1::text IS NULL", nil,
             .invalidDecree("SK-1")),
        Case("hostile decree number",
             "WITH d AS (UPDATE registry.decrees SET decree_no = $1, training_amount = 0 RETURNING 1) UPDATE registry.decree_members SET decree_no = $1",
             "SK-'; DROP TABLE x;--\u{202E}",
             .invalidDecree("SK-'; DROP TABLE x;--")),
        // Membership.
        Case("in two decrees",
             "INSERT INTO registry.decrees SELECT $1, wave, issued_on, training_amount, incentive_amount, incentive_tranches, incentive_interval_days, survey_amount, survey_count, payable_until FROM registry.decrees WHERE decree_no = 'SK-1'",
             "SK-2", .held("TRAINING", "DUPLICATE_DECREE")),
    ]

    @Test(arguments: cases)
    func endsInAHoldAPaymentOrARefusal(_ testCase: Case) throws {
        let env = try TestEnvironment()
        try env.registry.decree("SK-1")
        try env.registry.payableParticipant(1)
        try env.registry.payableParticipant(2)
        try env.connection.execute(testCase.sql, [testCase.value])
        if testCase.label == "in two decrees" { try env.registry.member(1, decree: "SK-2") }

        let result = try env.cli("run", "--date", "2020-06-01", "--format", "json")
        #expect(!result.killedBySignal && result.status != 1, "\(result.stderr)")
        let payouts = { (kind: String) in
            try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 1 AND kind = $1 AND number = 1", [kind])
        }
        switch testCase.outcome {
        case .invalidDecree(let text):
            #expect(result.stderr.contains(text) && result.stderr.contains("INVALID_DECREE"), "\(result.stderr)")
            for id in Int64(1)...2 {
                #expect(try env.hold(id, "TRAINING") == "INVALID_DECREE")
                #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = $1", [id]) == 0)
            }
        case .paid(let kind):
            #expect(try payouts(kind) == 1)
        case .held(let kind, let reason):
            #expect(try env.hold(1, kind) == reason)
            #expect(try payouts(kind) == 0)
        case .notDue(let kind):
            #expect(try payouts(kind) == 0)
            #expect(try env.count("SELECT count(*) FROM disbursement.holds WHERE registrant_id = 1 AND kind = $1", [kind]) == 0)
        case .expired(let kind):
            #expect(try payouts(kind) == 0)
            #expect(try env.count("SELECT count(*) FROM disbursement.expired WHERE registrant_id = 1 AND kind = $1", [kind]) > 0)
        }
        #expect(result.status == 0, "\(result.stderr)")
        // Registrant 2 is untouched by registrant 1's own data, and the night's files are all valid.
        if !testCase.sql.hasPrefix(Self.decree) && !testCase.label.contains("shared") && !testCase.label.contains("decree") {
            #expect(try env.count("SELECT count(*) FROM disbursement.payouts WHERE registrant_id = 2") == 3)
        }
        try Self.expectValidFiles(env.output.appending(path: "2020-06-01"))
    }

    static func expectValidFiles(_ folder: URL) throws {
        let schema = try #require(ProcessInfo.processInfo.environment["DISBURSE_PAIN001_XSD"], "scripts/test sets DISBURSE_PAIN001_XSD")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let path = folder.appending(path: name).path
            if name.hasSuffix(".xml") {
                let result = try Shell.run(try ExternalTool.xmllint.located(), ["--noout", "--schema", schema, path])
                #expect(result.status == 0, "\(name): \(result.stderr)")
            } else if name.hasSuffix(".csv") {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                for line in text.split(separator: "\r\n") {
                    // No field of a row may start a formula in a spreadsheet.
                    #expect(!line.contains(",=") && !line.contains(",@") && !line.contains(",+") && !line.contains(",-"), "\(name): \(line)")
                }
            }
        }
    }
}
