import Foundation

/// OpenPGP keys made once per test process (ed25519/cv25519, no passphrase): the programme's,
/// exported to a 0600 file as the settings name it, and a bank's, whose keyring also plays the
/// bank in the tests (decrypts what was delivered, signs and encrypts status files). Each
/// fixture works on its own copy of the bank's and the stranger's keyrings (`ownKeyrings`):
/// with one shared home, a test stopping its agent cut off another test's gpg mid-operation
/// ("can't connect to the agent").
final class OpenPGPKeys: Sendable {
    let folder: URL
    let programmeSecretKey: String
    let programmeFingerprint: String
    let bankPublicKey: String
    let bankFingerprint: String
    let bankHome: String
    let strangerHome: String
    /// The folder of a copy made by `ownKeyrings`, removed by `discard`; nil for the originals.
    let copyFolder: String?

    static let shared = Result { try OpenPGPKeys() }

    private init(copying original: OpenPGPKeys) throws {
        // Short and under /tmp: the agent's socket lives in the home, and a socket path is
        // limited to 107 bytes (TMPDIR may be long).
        var template = Array("/tmp/dpg-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw TestSetupError("mkdtemp failed for a GnuPG home")
        }
        let root = String(cString: made)
        copyFolder = root
        folder = original.folder
        programmeSecretKey = original.programmeSecretKey
        programmeFingerprint = original.programmeFingerprint
        bankPublicKey = original.bankPublicKey
        bankFingerprint = original.bankFingerprint
        bankHome = root + "/b"
        strangerHome = root + "/s"
        for (from, to) in [(original.bankHome, bankHome), (original.strangerHome, strangerHome)] {
            try Self.copyKeyring(from, to)
        }
    }

    /// The keyring files only: never an agent's socket or a lock of the original.
    private static func copyKeyring(_ from: String, _ to: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: to, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for name in try files.contentsOfDirectory(atPath: from) where !name.hasPrefix("S.") && !name.hasSuffix(".lock") && !name.hasPrefix(".#") {
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: from + "/" + name, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                try copyKeyring(from + "/" + name, to + "/" + name)
            } else {
                let attributes = try files.attributesOfItem(atPath: from + "/" + name)
                guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
                try files.copyItem(atPath: from + "/" + name, toPath: to + "/" + name)
            }
        }
    }

    /// The same keys in keyrings of the caller's own, so no other test's agent is touched.
    func ownKeyrings() throws -> OpenPGPKeys { try OpenPGPKeys(copying: self) }

    /// Stops a copy's agents and removes it.
    func discard() {
        stopAgents()
        if let copyFolder { try? FileManager.default.removeItem(atPath: copyFolder) }
    }

    private init() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "disburse-pgp-\(UUID().uuidString.prefix(8))")
        folder = root
        copyFolder = nil
        let gpg = try ExternalTool.gpg.located()
        func home(_ name: String) throws -> String {
            let path = root.appending(path: name).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return path
        }
        func generate(_ home: String, _ uid: String) throws -> String {
            try SetupCommand.run(gpg, ["--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"])
            let listing = try SetupCommand.run(gpg, ["--homedir", home, "--batch", "--with-colons", "--list-keys", uid])
            guard let fpr = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") })?.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first else {
                throw TestSetupError("gpg made no key for \(uid)")
            }
            try SetupCommand.run(gpg, ["--homedir", home, "--batch", "--passphrase", "", "--quick-add-key", String(fpr), "cv25519", "encr", "never"])
            return String(fpr)
        }
        let programmeHome = try home("programme")
        bankHome = try home("bank")
        strangerHome = try home("stranger")
        programmeFingerprint = try generate(programmeHome, "Programme <programme@disburse.test>")
        bankFingerprint = try generate(bankHome, "Bank <h2h@bank.test>")
        _ = try generate(strangerHome, "Stranger <someone@elsewhere.test>")
        programmeSecretKey = folder.appending(path: "programme-secret.asc").path
        try SetupCommand.run(gpg, ["--homedir", programmeHome, "--batch", "--armor", "--output", programmeSecretKey,
                                   "--export-secret-keys", programmeFingerprint])
        chmod(programmeSecretKey, 0o600)
        bankPublicKey = folder.appending(path: "bank.asc").path
        try SetupCommand.run(gpg, ["--homedir", bankHome, "--batch", "--armor", "--output", bankPublicKey, "--export", bankFingerprint])
        // The bank and the stranger can both encrypt to the programme.
        let programmePublic = folder.appending(path: "programme.asc").path
        try SetupCommand.run(gpg, ["--homedir", programmeHome, "--batch", "--armor", "--output", programmePublic, "--export", programmeFingerprint])
        for other in [bankHome, strangerHome] { try SetupCommand.run(gpg, ["--homedir", other, "--batch", "--import", programmePublic]) }
        stopAgents(programmeHome)
    }

    /// gpg starts an agent per keyring for secret-key work; none may outlive the test that started it.
    func stopAgents(_ extra: String? = nil) {
        guard let gpgconf = try? ExternalTool.gpgconf.located() else { return }
        for home in [bankHome, strangerHome] + (extra.map { [$0] } ?? []) {
            _ = try? SetupCommand.run(gpgconf, ["--homedir", home, "--kill", "all"])
        }
    }

    /// What the bank reads from a delivered file.
    func bankDecrypt(_ file: URL) throws -> Data {
        let out = file.deletingLastPathComponent().appending(path: ".plain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        defer { stopAgents() }
        try SetupCommand.run(try ExternalTool.gpg.located(), ["--homedir", bankHome, "--batch", "--output", out.path, "--decrypt", file.path])
        return try Data(contentsOf: out)
    }

    /// A status file as a channel sends it: encrypted to the programme, signed by `home`'s key
    /// (the bank's unless said), or not signed at all.
    func seal(_ plaintext: Data, to file: URL, signedBy home: String? = nil, signed: Bool = true) throws {
        let gpg = try ExternalTool.gpg.located()
        var arguments = ["--homedir", home ?? bankHome, "--batch", "--trust-model", "always", "--output", file.path,
                         "--recipient", programmeFingerprint, "--encrypt"]
        if signed { arguments += ["--sign"] }
        defer { stopAgents() }
        try SetupCommand.run(gpg, arguments, input: plaintext)
    }
}
