import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writing files so that a reader sees the old content, or none, or all of the new one (the
/// work is done by `OutputFolder`), and what a failed write means for the operator. Files are
/// 0600, folders 0700: payout files carry names and account numbers.
public enum AtomicFile {
    /// The folder or file cannot be used as configured (exit 78).
    public struct Failure: OperatorError, Sendable {
        public let description: String
        public var category: FailureCategory { .configuration }
    }

    /// Writing failed for a reason the settings cannot fix: a full disk, an I/O error (exit 1).
    public struct IOFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
        public let diskFull: Bool
    }

    /// Temporary names are `.NAME` + this + 16 random hex digits.
    static let temporaryMarker = ".tmp-"

    static func failure(_ action: String, _ path: String, _ code: Int32) -> any Error {
        switch code {
        case ENOSPC, EDQUOT:
            return IOFailure(
                description: "The disk is full: cannot \(action) \(path). What is recorded in the database is safe; free space (or move the output folder) and run the same date again to write the files.",
                diskFull: true)
        case EACCES, EPERM, EROFS, ELOOP, EEXIST:
            return Failure(description: "Cannot \(action) \(path) (\(String(cString: strerror(code)))): check the output folder's permissions, then run again.")
        default:
            return IOFailure(
                description: "Cannot \(action) \(path): \(String(cString: strerror(code))). Nothing half-written is left; check the disk, then run again.",
                diskFull: false)
        }
    }

    /// One file in a folder the user named (`report html --out`): written like the batch files,
    /// relative to the folder, but the folder itself is the user's and is not checked.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let descriptor = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open the folder of", path, errno) }
        try OutputFolder(adopting: descriptor, path: parent.isEmpty ? "." : parent).write(bytes, name: name)
    }

    /// SHA-256 of a regular file on disk (never through a symlink), or nil when it cannot be read.
    static func sha256(of path: String) -> String? {
        let parent = (path as NSString).deletingLastPathComponent
        let descriptor = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        return OutputFolder(adopting: descriptor, path: parent).sha256(of: (path as NSString).lastPathComponent)
    }
}
