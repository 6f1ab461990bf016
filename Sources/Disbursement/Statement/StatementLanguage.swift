/// The languages a statement is read out in (`--lang`): Indonesian first, the callers' own.
public enum StatementLanguage: String, CaseIterable, Sendable {
    case id, en

    func pick(_ indonesian: String, _ english: String) -> String { self == .id ? indonesian : english }

    func kind(_ kind: String) -> String {
        switch kind {
        case "TRAINING": pick("Pelatihan", "Training")
        case "INCENTIVE": pick("Insentif", "Incentive")
        case "SURVEY": pick("Survei", "Survey")
        default: Masking.printable(kind)
        }
    }

    /// Rupiah as the caller reads them: Rp1.000.000 in Indonesian, Rp1,000,000 in English.
    func rupiah(_ amount: Int64?) -> String {
        guard let amount else { return "-" }
        let grouped = amount.grouped
        return "Rp" + (self == .id ? grouped.replacingOccurrences(of: ",", with: ".") : grouped)
    }

    func missing(_ piece: String?) -> String {
        switch piece {
        case "certificate": pick("tanpa sertifikat", "no certificate")
        case "rating": pick("tanpa rating (1-5)", "no rating (1-5)")
        case "review": pick("ulasan kosong", "blank review")
        case "date": pick("tanggal tidak sah", "no valid date")
        default: pick("sebelum SK terbit", "before the decree was issued")
        }
    }
}
