import Foundation
import Glibc

#if canImport(Glibc)
#endif

/// OpenPGP through the `gpg` tool, in a keyring of its own made for one command and removed
/// after it: the programme's secret key and the channels' public keys are imported from the
/// files the settings name, so the settings are the only trust anchor (no user keyring, no
/// web of trust, no key server).
///
/// The keyring holds an unprotected copy of the programme's secret key, so it lives in a 0700
/// folder of the spool (`.gnupg/run-PID-XXXXXX`), never in a shared temporary folder: a run
/// killed before its `deinit` leaves it where the next run finds it, stops its agent and removes
/// it (`sweep`); a run ended by SIGTERM or SIGINT removes its own (`ExternalCleanup`).
final class GnuPG {
    struct Failure: OperatorError {
        let description: String
        var category: FailureCategory { .configuration }
    }

    private let gpg: ExternalProgram
    private let gpgconf: ExternalProgram?
    private let home: String
    private let limit: Int
    private let maxOutput: Int

    init(_ release: ReleaseSettings, output: String) throws {
        gpg = try ExternalProgram.locate("gpg", package: "gnupg")
        gpgconf = try? ExternalProgram.locate("gpgconf", package: "gnupg")
        limit = release.timeoutSeconds
        maxOutput = release.maxStatusFileBytes
        let spool = release.spool(output: output)
        _ = try OutputFolder.open(spool)
        let homes = try OutputFolder.open(spool + "/.gnupg")
        Self.sweep(homes.path, gpgconf: gpgconf)
        // gpg-agent puts its sockets in the keyring unless /run/user/UID exists, and a socket's
        // path holds at most 107 bytes: say so plainly instead of a puzzling import failure.
        let longest = homes.path + "/run-\(getpid())-XXXXXX/S.gpg-agent.browser"
        if longest.utf8.count > 107, !FileManager.default.fileExists(atPath: "/run/user/\(geteuid())") {
            throw Failure(description: "The spool folder path \(spool) is too long for gpg's agent socket: choose a shorter release.spool_dir (at most about 60 characters).")
        }
        var template = Array((homes.path + "/run-\(getpid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(description: "Cannot create a private keyring folder in \(homes.path): check free space and permissions of the spool folder.")
        }
        home = String(cString: made)
        GnuPGHomes.shared.insert(home)
    }

    deinit {
        Self.remove(home, gpgconf: gpgconf)
        GnuPGHomes.shared.remove(home)
    }

    /// Signing starts a gpg-agent for the keyring; it must not outlive it.
    static func remove(_ home: String, gpgconf: ExternalProgram?) {
        _ = try? gpgconf?.run(["--homedir", home, "--kill", "all"], limit: ExternalProgram.defaultLimit)
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Removes the keyrings of runs that were killed (their process is gone).
    static func sweep(_ homes: String, gpgconf: ExternalProgram?) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: homes)) ?? [] {
            let parts = name.split(separator: "-")
            guard parts.count == 3, parts[0] == "run", let pid = pid_t(parts[1]), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { remove(homes + "/" + name, gpgconf: gpgconf) }
        }
    }

    private var common: [String] {
        ["--homedir", home, "--batch", "--no-tty", "--no-options", "--trust-model", "always",
         "--no-auto-key-retrieve", "--status-fd", "1"]
    }

    private func run(_ arguments: [String], doing what: String) throws -> ExternalProgram.Result {
        let result = try gpg.run(common + arguments, limit: limit)
        if result.timedOut {
            throw Failure(description: "gpg did not finish \(what) within \(limit) seconds (release.timeout_seconds): check the machine's load, or raise the limit.")
        }
        return result
    }

    /// Imports one key file and returns the primary key's fingerprint. The programme's secret
    /// key file must be as private as the VA key (`checkPrivate`).
    func importKey(_ path: String, secret: Bool, what: String) throws -> String {
        let What = what.prefix(1).uppercased() + what.dropFirst()
        if secret { try Self.checkPrivate(path, what: What) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Failure(description: "Cannot read \(what) \(path): check the path in the settings and its permissions.")
        }
        let result = try run(["--import", path], doing: "importing \(what)")
        let lines = result.stdout.split(separator: "\n")
        let imported = lines.compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[0] == "[GNUPG:]", fields[1] == "IMPORT_OK" else { return nil }
            return String(fields[3])
        }
        guard result.status == 0, let fingerprint = imported.first, Set(imported).count == 1 else {
            throw Failure(description: "\(What) \(path) is not one OpenPGP key gpg can import: check the file.")
        }
        if secret, !lines.contains(where: { $0.hasPrefix("[GNUPG:] IMPORT_OK") && ($0.split(separator: " ").dropFirst(2).first.flatMap { Int($0) } ?? 0) & 16 != 0 }) {
            throw Failure(description: "\(What) \(path) holds no secret key: it must be the programme's own key, exported with --export-secret-keys.")
        }
        return fingerprint
    }

    /// The rule of the VA key file: a regular file of the user that runs disburse, with no
    /// group or other permission bit (opened without blocking, so a planted FIFO is refused).
    static func checkPrivate(_ path: String, what: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw Failure(description: "Cannot read \(what.lowercased()) \(path): check release.signing_key and the file's permissions.")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "\(what) \(path) is not a regular file: point release.signing_key at the key file itself.")
        }
        guard status.st_uid == geteuid() else {
            throw Failure(description: "\(what) \(path) belongs to another user (uid \(status.st_uid)): it must be owned by the user that runs disburse (chown it, then chmod 600).")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw Failure(description: "\(what) \(path) is open to group or others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it, and replace the key with the channels if others may have read it.")
        }
    }

    /// Encrypts `input` to `recipient` and signs it with `signer`, into `output`.
    func encryptAndSign(_ input: String, to output: String, recipient: String, signer: String) throws {
        try? FileManager.default.removeItem(atPath: output)
        let name = (input as NSString).lastPathComponent
        let result: ExternalProgram.Result
        do {
            result = try run([
                "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", signer,
                "--recipient", recipient, "--output", output, "--sign", "--encrypt", input,
            ], doing: "encrypting \(name)")
        } catch {
            try? FileManager.default.removeItem(atPath: output)
            throw error
        }
        guard result.status == 0, result.stdout.contains("[GNUPG:] END_ENCRYPTION") else {
            try? FileManager.default.removeItem(atPath: output)
            throw Failure(description: "gpg could not encrypt and sign \(name): check the programme's key (release.signing_key) and the channel's public key, both usable for this (not expired or revoked).")
        }
    }

    /// Why a received file cannot be trusted; nil when it was encrypted to us and signed by
    /// `signer`. gpg writes the plaintext before it knows the signature, so what it may write
    /// is capped (`--max-output`): a small compressed file cannot fill the disk.
    func decryptAndVerify(_ input: String, to output: String, signer: String) throws -> String? {
        try? FileManager.default.removeItem(atPath: output)
        let result = try gpg.run(common + [
            "--pinentry-mode", "loopback", "--passphrase", "", "--max-output", String(maxOutput), "--output", output, "--decrypt", input,
        ], limit: limit)
        let status = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func has(_ keyword: String) -> Bool { status.contains { $0.count > 1 && $0[1] == keyword } }
        let signers = status.filter { $0.count > 1 && $0[1] == "VALIDSIG" }.map { $0.last ?? "" }
        var refusal: String?
        if result.timedOut {
            refusal = "gpg did not finish with it within \(limit) seconds (release.timeout_seconds)"
        } else if result.stderr.contains("exceeded --max-output") {
            refusal = "it decrypts to more than \(maxOutput) bytes (release.max_status_file_bytes)"
        } else if has("BADSIG") || has("ERRSIG") || has("EXPKEYSIG") || has("REVKEYSIG") {
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

/// The keyrings of the running command, for `ExternalCleanup`.
enum GnuPGHomes {
    static let shared = LockedSet<String>()
}
