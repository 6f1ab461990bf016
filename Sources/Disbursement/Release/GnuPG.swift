import Foundation

/// OpenPGP through the `gpg` tool, in a keyring of its own made for one command and removed
/// after it: the programme's secret key and the channels' public keys are imported from the
/// files the settings name, so the settings are the only trust anchor (no user keyring, no
/// web of trust, no key server).
final class GnuPG {
    struct Failure: OperatorError {
        let description: String
        var category: FailureCategory { .configuration }
    }

    private let gpg: ExternalProgram
    private let home: TemporaryFolder

    init() throws {
        gpg = try ExternalProgram.locate("gpg", package: "gnupg")
        home = try TemporaryFolder(prefix: "disburse-gpg")
    }

    deinit {
        // Signing starts a gpg-agent for this keyring; it must not outlive the command.
        if let gpgconf = try? ExternalProgram.locate("gpgconf", package: "gnupg") {
            _ = try? gpgconf.run(["--homedir", home.path, "--kill", "all"])
        }
    }

    private var common: [String] {
        ["--homedir", home.path, "--batch", "--no-tty", "--no-options", "--trust-model", "always",
         "--no-auto-key-retrieve", "--status-fd", "1"]
    }

    /// Imports one key file and returns the primary key's fingerprint.
    func importKey(_ path: String, secret: Bool, what: String) throws -> String {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Failure(description: "Cannot read \(what) \(path): check the path in the settings and its permissions.")
        }
        let result = try gpg.run(common + ["--import", path])
        let lines = result.stdout.split(separator: "\n")
        let imported = lines.compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[0] == "[GNUPG:]", fields[1] == "IMPORT_OK" else { return nil }
            return String(fields[3])
        }
        guard result.status == 0, let fingerprint = imported.first, Set(imported).count == 1 else {
            throw Failure(description: "\(what.prefix(1).uppercased() + what.dropFirst()) \(path) is not one OpenPGP key gpg can import: check the file.")
        }
        if secret, !lines.contains(where: { $0.hasPrefix("[GNUPG:] IMPORT_OK") && ($0.split(separator: " ").dropFirst(2).first.flatMap { Int($0) } ?? 0) & 16 != 0 }) {
            throw Failure(description: "\(what.prefix(1).uppercased() + what.dropFirst()) \(path) holds no secret key: it must be the programme's own key, exported with --export-secret-keys.")
        }
        return fingerprint
    }

    /// Encrypts `input` to `recipient` and signs it with `signer`, into `output`.
    func encryptAndSign(_ input: String, to output: String, recipient: String, signer: String) throws {
        try? FileManager.default.removeItem(atPath: output)
        let result = try gpg.run(common + [
            "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", signer,
            "--recipient", recipient, "--output", output, "--sign", "--encrypt", input,
        ])
        guard result.status == 0, result.stdout.contains("[GNUPG:] END_ENCRYPTION") else {
            try? FileManager.default.removeItem(atPath: output)
            throw Failure(description: "gpg could not encrypt and sign \((input as NSString).lastPathComponent): check the programme's key (release.signing_key) and the channel's public key, both usable for this.")
        }
    }

    /// Why a received file cannot be trusted; nil when it was encrypted to us and signed by `signer`.
    func decryptAndVerify(_ input: String, to output: String, signer: String) throws -> String? {
        try? FileManager.default.removeItem(atPath: output)
        let result = try gpg.run(common + ["--pinentry-mode", "loopback", "--passphrase", "", "--output", output, "--decrypt", input])
        let status = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func has(_ keyword: String) -> Bool { status.contains { $0.count > 1 && $0[1] == keyword } }
        let signers = status.filter { $0.count > 1 && $0[1] == "VALIDSIG" }.map { $0.last ?? "" }
        var refusal: String?
        if has("BADSIG") || has("ERRSIG") || has("EXPKEYSIG") || has("REVKEYSIG") {
            refusal = "its signature is bad or by an unknown key"
        } else if !has("DECRYPTION_OKAY") {
            refusal = "it is not encrypted to the programme's key, or was changed on the way"
        } else if !has("GOODSIG") || signers.isEmpty {
            refusal = "it is not signed"
        } else if signers.contains(where: { $0 != signer }) {
            refusal = "it is signed by another key than the channel's"
        } else if result.status != 0 {
            refusal = "gpg did not accept it"
        }
        if refusal != nil { try? FileManager.default.removeItem(atPath: output) }
        return refusal
    }
}
