import Foundation

/// The statement as the clerk reads it (`--format table`) or as a machine does (`--format json`:
/// every field, snake_case keys, with each entitlement's state and advice in words).
extension ParticipantStatement {
    public enum Format: String, CaseIterable, Sendable {
        case table, json
    }

    public func render(_ format: Format, language: StatementLanguage) throws -> String {
        let statement = localized(language)
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return String(decoding: try encoder.encode(statement), as: UTF8.self) + "\n"
        case .table: return statement.table(language)
        }
    }

    /// The statement with each entitlement's words filled in.
    public func localized(_ language: StatementLanguage) -> ParticipantStatement {
        var copy = self
        copy.language = language.rawValue
        copy.entitlements = entitlements.map { entitlement in
            var line = entitlement
            line.text = entitlement.describe(language)
            line.advice = entitlement.state == .held ? entitlement.reason.map { HoldAdvice.sentence($0, language) } : nil
            return line
        }
        return copy
    }

    func table(_ language: StatementLanguage) -> String {
        let l = language
        func show(_ text: String?) -> String { text.map(Masking.printable) ?? "-" }
        var lines: [String] = []
        if idKind == "nik" || idKind == "va" {
            let by = idKind == "nik" ? "NIK" : "VA"
            lines.append(l.pick("Peserta \(registrantId) (dicari dengan \(by) \(show(idMasked)))",
                                "Participant \(registrantId) (looked up by \(by) \(show(idMasked)))"))
        } else {
            lines.append(l.pick("Peserta \(registrantId)", "Participant \(registrantId)"))
        }
        lines.append(asOfNight.map { l.pick("Keadaan setelah proses malam \($0)", "As of the night of \($0)") }
                     ?? l.pick("Belum ada proses malam", "No night has run yet"))
        lines.append("")
        var fields: [(String, String)] = []
        if let person, person.registryRows > 0 {
            fields.append((l.pick("Nama", "Name"), show(person.name)))
            fields.append(("NIK", show(person.nik)))
            fields.append((l.pick("Telepon", "Phone"), show(person.phone)))
            if person.registryRows > 1 {
                fields.append(("", l.pick("terdaftar \(person.registryRows) kali dengan nomor ini", "registered \(person.registryRows) times under this id")))
            }
        } else {
            fields.append((l.pick("Nama", "Name"), l.pick("tidak ada di registri", "not in the registry")))
        }
        if let decree {
            let approval = decree.status == "approved" ? l.pick("disetujui", "approved")
                : l.pick("tidak disetujui: \(show(decree.status))", "not approved: \(show(decree.status))")
            var text = "\(show(decree.decreeNo)), \(l.pick("gelombang", "wave")) \(decree.wave.map(String.init) ?? "-"), "
                + "\(l.pick("terbit", "issued")) \(show(decree.issuedOn)) (\(approval))"
            if let until = decree.payableUntil { text += l.pick(", dibayar paling lambat \(until)", ", payable until \(until)") }
            if !decree.payableAsWritten { text += l.pick("; SK tidak dapat dibayar sebagaimana tertulis", "; the decree cannot be paid as written") }
            fields.append((l.pick("SK", "Decree"), text))
            if memberships.count > 1 {
                fields.append(("", l.pick("tercantum dalam \(memberships.count) SK", "listed in \(memberships.count) decrees")))
            }
        } else {
            fields.append((l.pick("SK", "Decree"), l.pick("tidak tercantum dalam SK mana pun", "in no decree")))
        }
        fields.append(("VA", va.map { "\($0.number), \(l.pick("terbit", "issued")) \($0.issuedOn)" }
                       ?? l.pick("belum diterbitkan (terbit pada proses malam setelah persetujuan)", "not issued yet (issued at the first night after approval)")))
        fields.append((l.pick("Pelatihan", "Training"), trainingText(l)))
        if let account {
            let kind = account.kind == "ewallet" ? "e-wallet" : account.kind == "bank" ? "bank" : show(account.kind)
            let upgraded = account.upgraded == true ? l.pick("sudah upgrade", "upgraded") : l.pick("belum upgrade", "not upgraded")
            fields.append((l.pick("Akun", "Account"),
                           "\(show(account.provider)) \(kind), \(upgraded), \(show(account.status)), \(show(account.number)), "
                           + "\(l.pick("dihubungkan", "linked")) \(show(account.linkedOn))"))
        } else {
            fields.append((l.pick("Akun", "Account"), l.pick("tidak ada akun yang terhubung", "no linked account")))
        }
        let width = fields.map(\.0.count).max() ?? 0
        lines += fields.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        lines.append("")
        let rows = localized(l).entitlements.map { e in
            ["\(l.kind(e.kind)) \(e.number)", l.rupiah(e.amount), e.dueOn ?? "-", e.text ?? ""]
        }
        let header = [l.pick("Hak", "Entitlement"), l.pick("Jumlah", "Amount"), l.pick("Jatuh tempo", "Due"), l.pick("Keadaan", "State")]
        if rows.isEmpty {
            lines.append(l.pick("Belum ada hak pembayaran.", "Nothing is owed yet."))
        } else {
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { index, cell in
                    index == 1 ? String(repeating: " ", count: widths[index] - cell.count) + cell
                        : index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
            }
            lines.append(line(header))
            lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
            lines += rows.map(line)
        }
        let reasons = entitlements.filter { $0.state == .held }.compactMap(\.reason)
        var seen = Set<String>()
        let advice = reasons.filter { seen.insert($0).inserted }
        if !advice.isEmpty {
            lines.append("")
            lines.append(l.pick("Yang dapat dilakukan peserta:", "What the participant can do:"))
            lines += advice.map { "- \(Masking.printable($0)): \(HoldAdvice.sentence($0, l))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func trainingText(_ l: StatementLanguage) -> String {
        if let from = training.countedFrom {
            return l.pick("selesai, dihitung sejak \(from)", "completed, counts from \(from)")
        }
        if training.completions.isEmpty {
            return l.pick("belum ada penyelesaian pelatihan", "no training completion recorded")
        }
        let why = training.completions.map { l.missing($0.missing) }
        var seen = Set<String>()
        return l.pick("tidak ada yang memenuhi syarat: ", "none counts: ") + why.filter { seen.insert($0).inserted }.joined(separator: ", ")
    }
}

extension ParticipantStatement.Entitlement {
    func describe(_ l: StatementLanguage) -> String {
        let channel = channel.map(Masking.printable) ?? "-"
        switch state {
        case .paid:
            return l.pick("dibayar \(paidOn ?? "-") melalui \(channel)", "paid on \(paidOn ?? "-") via \(channel)")
        case .inFlight:
            return l.pick("dikirim \(sentOn ?? "-") melalui \(channel), menunggu konfirmasi", "sent on \(sentOn ?? "-") via \(channel), awaiting the channel")
        case .held:
            let reason = reason.map(Masking.printable) ?? "-"
            return l.pick("ditahan sejak \(heldSince ?? "-"): \(reason)", "held since \(heldSince ?? "-"): \(reason)")
        case .expired:
            return l.pick("kedaluwarsa \(expiredOn ?? "-") (dikembalikan ke kas negara)", "expired on \(expiredOn ?? "-") (back to the treasury)")
        case .awaitingRetry:
            let code = failureCode.map { " (\(Masking.printable($0)))" } ?? ""
            let failed = payoutStatus == "RETURNED" ? l.pick("dikembalikan", "returned") : l.pick("gagal", "failed")
            return l.pick("percobaan \(attempt ?? 0) \(failed)\(code); percobaan \(nextAttempt ?? 0) pada proses malam berikutnya",
                          "attempt \(attempt ?? 0) \(failed)\(code); attempt \(nextAttempt ?? 0) at the next night")
        case .due:
            return l.pick("jatuh tempo; dibayar atau ditahan pada proses malam berikutnya", "due; the next night pays or holds it")
        case .expiring:
            return l.pick("lewat batas pembayaran SK; kedaluwarsa pada proses malam berikutnya", "past the decree's payable date; expires at the next night")
        case .notYetDue:
            if dueOn == nil {
                return l.pick("belum jatuh tempo: jatuh tempo saat VA diterbitkan", "not yet due: due when the VA is issued")
            }
            return l.pick("belum jatuh tempo", "not yet due")
        }
    }
}
