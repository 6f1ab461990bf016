import Foundation

/// `disburse verify`: re-hashes every file a manifest lists, flags files no manifest vouches
/// for, and walks the chain of manifests from the first batch to the last.
extension BatchFiles {
    public struct VerificationFailure: OperatorError, Sendable {
        public let description: String
        public var category: FailureCategory { .inputInvalid }
    }

    /// `directory` is OUT (every batch folder in it) or one OUT/YYYY-MM-DD folder.
    public static func verify(directory: String) throws -> String {
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
            previousSHA = Digest.sha256Hex(data)
        }
        return "Verified \(folders.count) batch folder(s), \(files) file(s): every file matches its manifest and the chain is unbroken."
    }
}
