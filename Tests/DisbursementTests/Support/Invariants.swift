import Foundation
import Testing

@testable import Disbursement

/// What must hold after anything: no number twice, no entitlement in two live payouts, no paid
/// entitlement paid again, every file of every batch vouched for by the manifest chain and
/// equal to the batch's payouts, a zero control total on every row of the summary report, and
/// a proof per decree that adds up.
enum Invariants {
    static func check(_ env: TestEnvironment) throws {
        #expect(try env.count("SELECT count(*) - count(DISTINCT va) FROM disbursement.virtual_accounts") == 0)
        #expect(try env.count("SELECT count(*) - count(DISTINCT sequence_no::text || prefix) FROM disbursement.virtual_accounts") == 0)
        #expect(try env.count(
            """
            SELECT count(*) FROM (SELECT 1 FROM disbursement.payouts WHERE status IN ('ISSUED', 'PENDING', 'PAID')
                                   GROUP BY registrant_id, kind, number HAVING count(*) > 1) x
            """) == 0)
        #expect(try env.count(
            """
            SELECT count(*) FROM disbursement.payouts p
             WHERE EXISTS (SELECT 1 FROM disbursement.payouts q WHERE q.registrant_id = p.registrant_id
                             AND q.kind = p.kind AND q.number = p.number AND q.attempt > p.attempt AND p.status = 'PAID')
               -- Finance may settle an earlier attempt as PAID once the later one is failed or
               -- returned (disburse resolve); that is recorded, never silent.
               AND NOT EXISTS (SELECT 1 FROM disbursement.resolutions r
                                WHERE r.end_to_end_id = p.end_to_end_id AND r.status = 'PAID')
            """) == 0)
        let dates = try env.connection.query("SELECT to_char(business_date, 'YYYY-MM-DD') FROM disbursement.batches ORDER BY 1")
            .map { try $0.decode(0, as: String.self) }
        for date in dates {
            let folder = env.output.appending(path: date).path
            let verified = try env.cli("verify", folder)
            #expect(verified.status == 0, "\(date): \(verified.stdout) \(verified.stderr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
            let vouched = Set(manifest.files.map(\.name))
            #expect(Set(names) == vouched.union(["manifest.json"]), "\(date): files the manifest does not vouch for")
            try filesEqualDatabase(env, date: date)
        }
        for by in ["channel", "decree"] {
            let summary = try env.cli("report", "summary", "--by", by, "--format", "csv")
            #expect(summary.status == 0, "\(summary.stderr)")
            let controls = summary.stdout.split(separator: "\r\n").dropFirst().compactMap { $0.split(separator: ",").last }
            #expect(controls.allSatisfy { $0 == "0" }, "\(by): control totals: \(controls)")
        }
    }

    /// Every CSV row of a batch is a payout of that batch with the same reference, channel,
    /// account, amount, kind, number and VA, and every payout of the batch is in one row.
    static func filesEqualDatabase(_ env: TestEnvironment, date: String) throws {
        let folder = env.output.appending(path: date)
        var fromFiles: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".csv") {
            let text = try String(contentsOf: folder.appending(path: name), encoding: .utf8)
            for record in parseCSV(text).dropFirst() where record.count == 9 {
                // end_to_end_id, channel, account_no, account_name, amount, currency, kind, number, va
                fromFiles.append([record[0], record[1], record[2], record[4], record[6], record[7], record[8]].joined(separator: "|"))
            }
        }
        let fromDatabase = try env.connection.query(
            """
            SELECT concat_ws('|', end_to_end_id, channel, account_no, amount, kind, number, va)
              FROM disbursement.payouts WHERE business_date = $1::date
            """, [date]
        ).map { try $0.decode(0, as: String.self) }
        #expect(fromFiles.sorted() == fromDatabase.sorted(), "\(date): the CSV files and the payouts of the batch differ")
    }

    /// RFC 4180, as the files are written (CRLF, quotes doubled); written here, not shared with
    /// the writer it checks.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field); field = ""
            } else if character == "\r\n" || character == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
