import Foundation
import TOMLKit

extension Settings {
    /// The keys a settings file may hold; anything else is a typo worth stopping for.
    private static let topLevelKeys: Set<String> = [
        "output_dir", "max_items_per_file", "attempt_limit", "unanswered_after_days",
        "initiating_party_name", "va", "channels", "demo", "release",
    ]
    private static let vaKeys: Set<String> = ["prefixes", "key_file"]
    private static let channelKeys: Set<String> = [
        "kind", "enabled", "debtor_name", "debtor_account", "debtor_agent_bic", "creditor_agent_bic", "sftp",
    ]

    /// Loads the file named by `path`, or by `DISBURSE_CONFIG`, then applies environment
    /// overrides. Relative paths inside the file are relative to the file's own folder.
    public static func load(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SettingsError) -> Settings {
        guard let path = path ?? environment["DISBURSE_CONFIG"], !path.isEmpty else {
            throw SettingsError("No settings file: pass --config FILE or set DISBURSE_CONFIG (see config/disburse.example.toml).")
        }
        let url = URL(fileURLWithPath: path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SettingsError("Cannot read the settings file \(path): check that it exists and is readable UTF-8.")
        }
        var settings = try parse(text, file: path, folder: url.deletingLastPathComponent().path)
        if let keyFile = environment["DISBURSE_VA_KEY_FILE"], !keyFile.isEmpty { settings.vaKeyFile = keyFile }
        if let out = environment["DISBURSE_OUT"], !out.isEmpty { settings.outputDirectory = out }
        return settings
    }

    static func parse(_ text: String, file: String, folder: String) throws(SettingsError) -> Settings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError("\(file), line \(error.source.begin.line): \(error.description).")
        } catch {
            throw SettingsError("\(file) is not valid TOML.")
        }
        let reader = TableReader(table: table, file: file, path: "")
        try reader.rejectUnknown(topLevelKeys)
        let va = try reader.table("va")
        try va.rejectUnknown(vaKeys)
        let prefixes = try va.strings("prefixes")
        guard !prefixes.isEmpty else { throw SettingsError("\(file): va.prefixes must list at least one issuer prefix.") }
        for prefix in prefixes where !(4...9).contains(prefix.count) || !prefix.allSatisfy(\.isASCIIDigit) {
            throw SettingsError("\(file): va.prefixes entry \"\(prefix)\" must be 4 to 9 digits.")
        }
        guard Set(prefixes).count == prefixes.count else { throw SettingsError("\(file): va.prefixes lists a prefix twice.") }
        if let (shorter, longer) = VirtualAccountIssuer.overlap(prefixes) {
            throw SettingsError("\(file): va.prefixes entry \(shorter) begins \(longer): no prefix may begin another (their numbers would mix); choose another prefix.")
        }

        let channelsTable = try reader.table("channels")
        var channels: [ChannelSettings] = []
        for code in channelsTable.keys.sorted() {
            guard code.allSatisfy({ $0.isASCIIUppercaseLetterOrDigit }) else {
                throw SettingsError("\(file): channel name \"\(code)\" must be upper-case letters and digits, like BNI or GOPAY.")
            }
            guard code.count <= Pain001Writer.maximumChannelCodeLength else {
                throw SettingsError("\(file): channel name \"\(code)\" is longer than \(Pain001Writer.maximumChannelCodeLength) characters, so its pain.001 message ids (DSB-YYYYMMDD-\(code)-NNN) would not fit in 35; choose a shorter name.")
            }
            let channel = try channelsTable.table(code)
            try channel.rejectUnknown(channelKeys)
            channels.append(ChannelSettings(
                code: code,
                kind: try channel.channelKind(code),
                enabled: try channel.bool("enabled", default: true),
                debtorName: try channel.string("debtor_name"),
                debtorAccount: try channel.string("debtor_account"),
                debtorAgentBIC: try channel.bic("debtor_agent_bic"),
                creditorAgentBIC: try channel.optionalBIC("creditor_agent_bic")))
        }
        guard channels.contains(where: { $0.code == "VA" }) else {
            throw SettingsError("\(file): a [channels.VA] section is required: training credits go to the participants' virtual accounts through it.")
        }
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folder + "/" + path }
        var settings = Settings(
            outputDirectory: resolve(try reader.string("output_dir", default: "out")),
            maxItemsPerFile: try reader.int("max_items_per_file", default: 10_000, range: 1...1_000_000),
            attemptLimit: try reader.int("attempt_limit", default: 3, range: 1...100),
            unansweredAfterDays: try reader.int("unanswered_after_days", default: 14, range: 1...3650),
            vaPrefixes: prefixes,
            vaKeyFile: resolve(try va.string("key_file")),
            initiatingPartyName: try reader.string("initiating_party_name", default: "PROGRAM KARTU PRAKERJA"),
            channels: channels,
            demo: try reader.bool("demo", default: false))
        settings.release = try ReleaseSettings.parse(reader, channels: channelsTable, resolve: resolve)
        return settings
    }
}

/// Reads typed values from one TOML table and says exactly which key is wrong.
struct TableReader {
    let table: TOMLTable
    let file: String
    let path: String

    var keys: [String] { table.keys }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func rejectUnknown(_ allowed: Set<String>) throws(SettingsError) {
        if let unknown = table.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw SettingsError("\(file): unknown setting \"\(name(unknown))\"; expected one of \(allowed.sorted().joined(separator: ", ")).")
        }
    }

    func table(_ key: String) throws(SettingsError) -> TableReader {
        guard let value = table[key] else { throw SettingsError("\(file): the [\(name(key))] section is missing.") }
        guard let inner = value.table else { throw SettingsError("\(file): \"\(name(key))\" must be a table ([\(name(key))]).") }
        return TableReader(table: inner, file: file, path: name(key))
    }

    func string(_ key: String, default fallback: String? = nil) throws(SettingsError) -> String {
        guard let value = table[key] else {
            if let fallback { return fallback }
            throw SettingsError("\(file): \"\(name(key))\" is missing; it must be a string.")
        }
        guard let text = value.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SettingsError("\(file): \"\(name(key))\" must be a non-empty string.")
        }
        return text
    }

    func strings(_ key: String) throws(SettingsError) -> [String] {
        guard let array = table[key]?.array else {
            throw SettingsError("\(file): \"\(name(key))\" must be a list of strings, like [\"8808\"].")
        }
        var result: [String] = []
        for element in array {
            guard let text = element.string else {
                throw SettingsError("\(file): \"\(name(key))\" must hold only strings (quote the digits).")
            }
            result.append(text)
        }
        return result
    }

    func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(SettingsError) -> Int {
        guard let value = table[key] else { return fallback }
        guard let number = value.int, range.contains(number) else {
            throw SettingsError("\(file): \"\(name(key))\" must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    func bool(_ key: String, default fallback: Bool) throws(SettingsError) -> Bool {
        guard let value = table[key] else { return fallback }
        guard let flag = value.bool else { throw SettingsError("\(file): \"\(name(key))\" must be true or false.") }
        return flag
    }

    /// Every channel but VA says whether it pays banks or e-wallets; VA is the VA credit and
    /// says nothing. A channel without a kind is a configuration error, not a guess: the kind
    /// decides which accounts may be paid through it.
    func channelKind(_ code: String) throws(SettingsError) -> ChannelKind {
        if code == "VA" {
            guard table["kind"] == nil else {
                throw SettingsError("\(file): [\(path)] takes no kind: VA is the training credit to the participants' virtual accounts.")
            }
            return .virtualAccount
        }
        guard table["kind"] != nil else {
            throw SettingsError("\(file): [\(path)] needs kind = \"bank\" or kind = \"ewallet\": it decides which accounts may be paid through the channel.")
        }
        switch try string("kind") {
        case "bank": return .bank
        case "ewallet": return .ewallet
        default: throw SettingsError("\(file): \"\(name("kind"))\" must be \"bank\" or \"ewallet\".")
        }
    }

    func bic(_ key: String) throws(SettingsError) -> String {
        let text = try string(key)
        guard Self.isBIC(text) else {
            throw SettingsError("\(file): \"\(name(key))\" must be a BIC of 8 or 11 letters and digits, like BNINIDJA.")
        }
        return text
    }

    func optionalBIC(_ key: String) throws(SettingsError) -> String? {
        guard table[key] != nil else { return nil }
        return try bic(key)
    }

    static func isBIC(_ text: String) -> Bool {
        (text.count == 8 || text.count == 11) && text.allSatisfy(\.isASCIIUppercaseLetterOrDigit)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIIUppercaseLetterOrDigit: Bool { isASCII && (isNumber || isUppercase) }
}
