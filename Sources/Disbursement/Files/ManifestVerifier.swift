import Foundation

/// `disburse verify`: re-hashes every file a manifest lists, flags files no manifest vouches
/// for, walks the chain of manifests from the first batch to the last, and, when a database can
/// be asked, compares each manifest with the hash recorded for its date when it was written.
/// Without that last step whoever can write OUT could rewrite the newest batch and its
/// manifest together and the chain would still hold.
extension BatchFiles {
    public struct VerificationFailure: OperatorError, Sendable {
        public let description: String
        public var category: FailureCategory { .inputInvalid }
    }

    /// The manifest hash recorded per business date, read from the reporting view (so finance
    /// can verify too); nil when the database has no such view (another database, or too old).
    public static func recordedManifests(_ connection: Connection) throws -> [String: String]? {
        guard try connection.queryOne("SELECT to_regclass('disbursement_reports.batches') IS NOT NULL").decode(0, as: Bool.self)
        else { return nil }
        var recorded: [String: String] = [:]
        for row in try connection.query(
            "SELECT business_date::text, manifest_sha256 FROM disbursement_reports.batches WHERE manifest_sha256 IS NOT NULL")
        {
            recorded[try row.decode(0, as: String.self)] = try row.decode(1, as: String.self)
        }
        return recorded
    }

    /// `directory` is OUT (every batch folder in it) or one OUT/YYYY-MM-DD folder. `recorded`
    /// is what `recordedManifests` read, or nil when no database could be asked.
    public static func verify(directory: String, recorded: [String: String]? = nil) throws -> String {
        let url = URL(fileURLWithPath: directory)
        let folders: [URL]
        if BusinessDate(url.lastPathComponent) != nil {
            folders = [url]
        } else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            folders = names.filter { BusinessDate($0) != nil }.sorted().map { url.appending(path: $0) }
        }
        guard !folders.isEmpty else {
            throw VerificationFailure(description: "\(directory) holds no batch folder (YYYY-MM-DD): check the path.")
        }
        var previousSHA: String?
        var files = 0
        for (index, folder) in folders.enumerated() {
            let manifestPath = folder.appending(path: "manifest.json").path
            guard let data = FileManager.default.contents(atPath: manifestPath) else {
                throw VerificationFailure(description: "\(manifestPath) is missing: run `disburse run --date \(folder.lastPathComponent)` to rewrite it.")
            }
            let manifest: Manifest
            do { manifest = try Manifest.decode(data) } catch {
                throw VerificationFailure(description: "\(manifestPath) is not a valid manifest: run `disburse run --date \(folder.lastPathComponent)` to rewrite it.")
            }
            // Links are checked between the folders present (older ones may be archived).
            if index > 0 {
                guard manifest.previousManifestSHA256 == previousSHA else {
                    throw VerificationFailure(description: "The chain is broken at \(manifestPath): it does not point to the manifest of \(folders[index - 1].lastPathComponent); one of the two was altered.")
                }
            }
            for entry in manifest.files {
                let path = folder.appending(path: entry.name).path
                guard let sha = AtomicFile.sha256(of: path) else {
                    throw VerificationFailure(description: "\(path) is missing: run `disburse run --date \(folder.lastPathComponent)` to rewrite it.")
                }
                guard sha == entry.sha256 else {
                    throw VerificationFailure(description: "\(path) does not match its manifest (SHA-256 differs): do not send it; run `disburse run --date \(folder.lastPathComponent)` to rewrite it.")
                }
                files += 1
            }
            let vouched = Set(manifest.files.map(\.name) + ["manifest.json"])
            let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if let stranger = present.sorted().first(where: { !vouched.contains($0) }) {
                throw VerificationFailure(description: "\(folder.path)/\(stranger) is not vouched for by the manifest: find out where it came from before sending anything.")
            }
            let sha = Digest.sha256Hex(data)
            if let recorded {
                let date = folder.lastPathComponent
                guard let expected = recorded[date] else {
                    throw VerificationFailure(description: "The batch of \(date) in \(folder.path) is not recorded in the database (or its files were never finished): do not send it; find out where it came from.")
                }
                guard expected == sha else {
                    throw VerificationFailure(description: "The manifest of \(date) differs from the one recorded in the database when its files were written: the batch of \(date) was altered; do not send it, and run `disburse run --date \(date)` to rewrite it from the database.")
                }
            }
            previousSHA = sha
        }
        let scope = recorded == nil
            ? "the chain is unbroken. No database is configured (--database-url, DATABASE_URL or PGHOST), so the manifests were checked against each other only, not against the hashes recorded when they were written."
            : "the chain is unbroken, and every manifest is the one recorded in the database."
        return "Verified \(folders.count) batch folder(s), \(files) file(s): every file matches its manifest and \(scope)"
    }
}
