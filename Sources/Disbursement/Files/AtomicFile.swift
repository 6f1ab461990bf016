import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that a reader sees the old content, or none, or all of the new one:
/// a temporary name in the same folder, fsync, rename, fsync the folder. Files are 0600,
/// folders 0700: payout files carry names and account numbers.
public enum AtomicFile {
    public struct Failure: OperatorError, Sendable {
        public let description: String
        public var category: FailureCategory { .configuration }
    }

    public static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure(description: "\(path) exists and is not a folder: move it away or choose another --out.") }
            chmod(path, 0o700)
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "Cannot create the output folder \(path): check the path and permissions (\(error.localizedDescription)).")
        }
    }

    /// `beforeRename` runs when the content is durable under its temporary name: the moment a
    /// crash test wants to kill the writer.
    public static func write(_ bytes: [UInt8], to path: String, beforeRename: () -> Void = {}) throws {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 { if errno == EINTR { continue }; return false }
                written += result
            }
            return true
        }
        guard ok, fsync(descriptor) == 0 else {
            close(descriptor)
            unlink(temporary)
            throw failure("write", temporary)
        }
        close(descriptor)
        beforeRename()
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure("rename", path)
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ action: String, _ path: String) -> Failure {
        Failure(description: "Cannot \(action) \(path): \(String(cString: strerror(errno))). Check free disk space and permissions, then run again.")
    }

    /// SHA-256 of a file on disk, or nil when it cannot be read.
    static func sha256(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = StreamingSHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finalize()
    }
}
