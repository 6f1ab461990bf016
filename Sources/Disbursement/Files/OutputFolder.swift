import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A folder opened once without following a symbolic link, and every name in it used relative to
/// that descriptor (SPEC §9): a symlink planted at the folder, a file or a temporary name is
/// never followed, and the folder cannot be swapped under the writer.
public final class OutputFolder {
    let descriptor: Int32
    public let path: String

    /// A folder descriptor opened by the caller, without the checks of `open`; closed with it.
    init(adopting descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    private static let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

    /// The output folder, its path walked from `/` (`walk`: no planted link among its parents),
    /// created 0700 (with its parents) when missing. An existing one must be private to this
    /// user: it is refused, never chmod-ed.
    public static func open(_ path: String) throws -> OutputFolder {
        let folder = OutputFolder(adopting: try walk(path, create: true), path: path)
        try folder.checkPrivate()
        return folder
    }

    /// The folder `name` inside this one, created 0700 when missing (`create`), or nil.
    func subfolder(_ name: String, create: Bool) throws -> OutputFolder? {
        let path = self.path + "/" + name
        var descriptor = openat(self.descriptor, name, Self.flags)
        if descriptor < 0 && errno == ENOENT {
            guard create else { return nil }
            if mkdirat(self.descriptor, name, 0o700) != 0 && errno != EEXIST { throw AtomicFile.failure("create", path, errno) }
            descriptor = openat(self.descriptor, name, Self.flags)
        }
        guard descriptor >= 0 else { throw Self.openFailure(path, errno) }
        let folder = OutputFolder(adopting: descriptor, path: path)
        try folder.checkPrivate()
        return folder
    }

    private func checkPrivate() throws {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.openFailure(path, errno) }
        guard status.st_uid == geteuid() else {
            throw AtomicFile.Failure(description: "The output folder \(path) belongs to another user (uid \(status.st_uid)): payout files must be private to the job's user; choose another --out.")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw AtomicFile.Failure(description: "The output folder \(path) is open to group or others (mode \(String(status.st_mode & 0o777, radix: 8))): disburse never changes it; make it private (chmod 700) or choose another --out.")
        }
    }

    static func openFailure(_ path: String, _ code: Int32) -> AtomicFile.Failure {
        switch code {
        case ELOOP: AtomicFile.Failure(description: "\(path) is a symbolic link: disburse does not follow links in its output; name the real folder with --out or output_dir.")
        case ENOTDIR: AtomicFile.Failure(description: "\(path) exists and is not a folder: move it away or choose another --out.")
        default: AtomicFile.Failure(description: "Cannot open the output folder \(path) (\(String(cString: strerror(code)))): check the path and permissions.")
        }
    }

    /// Writes `name` so that a reader sees the old content, or none, or all of the new one: an
    /// unpredictable temporary name created exclusively, fsync, `renameat` over the final name
    /// (which replaces whatever is there, a symlink included, without following it), fsync of
    /// the folder. `beforeRename` runs when the content is durable under its temporary name.
    func write(_ bytes: [UInt8], name: String, beforeRename: () -> Void = {}) throws {
        let temporary = "." + name + AtomicFile.temporaryMarker + String(format: "%016llx", UInt64.random(in: 0...UInt64.max))
        let file = openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw AtomicFile.failure("create", path + "/" + temporary, errno) }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count, let base = buffer.baseAddress {
                let result = Glibc.write(file, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        if failure == 0, fsync(file) != 0 { failure = errno }
        if close(file) != 0, failure == 0 { failure = errno }
        guard failure == 0 else {
            unlinkat(descriptor, temporary, 0)
            throw AtomicFile.failure("write", path + "/" + name, failure)
        }
        beforeRename()
        guard renameat(descriptor, temporary, descriptor, name) == 0 else {
            let code = errno
            unlinkat(descriptor, temporary, 0)
            throw AtomicFile.failure("rename", path + "/" + name, code)
        }
        fsync(descriptor)
    }

    /// The content of a regular file in the folder, never through a symlink; nil otherwise.
    func contents(of name: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        return read(name, { bytes += $0 }) ? bytes : nil
    }

    /// SHA-256 of a regular file in the folder, never through a symlink; nil otherwise.
    func sha256(of name: String) -> String? {
        var hasher = StreamingSHA256()
        return read(name, { hasher.update($0) }) ? hasher.finalize() : nil
    }

    private func read(_ name: String, _ body: ([UInt8]) -> Void) -> Bool {
        let file = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { return false }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return false }
            if count == 0 { return true }
            body(Array(buffer[0..<count]))
        }
    }

    /// The names in the folder, `.` and `..` aside.
    func names() -> [String] {
        let copy = dup(descriptor)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file (or symlink) of the folder; never follows it.
    func remove(_ name: String) {
        unlinkat(descriptor, name, 0)
    }

    /// Removes the folder `name` that this run created, with the files in it.
    func removeSubfolder(_ name: String) {
        guard let folder = try? subfolder(name, create: false) else { return }
        for entry in folder.names() { folder.remove(entry) }
        unlinkat(descriptor, name, AT_REMOVEDIR)
    }
}
