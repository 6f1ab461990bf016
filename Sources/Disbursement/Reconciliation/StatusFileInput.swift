import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One status file, read once through one descriptor: every byte a reader is given has been
/// hashed first, so the SHA-256 recorded for a file is that of the bytes imported. (Hashing
/// and parsing used to open the file twice: a file replaced in between imported other bytes
/// than the ones it was known by.)
public final class StatusFileInput {
    private enum Source {
        case descriptor(Int32)
        case memory([UInt8], offset: Int)
    }

    private var source: Source
    private let chunkSize: Int
    private var hasher = StreamingSHA256()
    private var pushedBack: [UInt8]?
    private var atEnd = false
    public private(set) var bytesRead = 0

    /// Opens `path` for reading; the descriptor is closed when the input goes.
    public init(path: String, chunkSize: Int = 1 << 20) throws(StatusFileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StatusFileError(line: nil, problem: "cannot open it (\(String(cString: strerror(errno)))); check the path and permissions")
        }
        var info = stat()
        // A folder or a device is no status file; a FIFO would be read, but not twice.
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw StatusFileError(line: nil, problem: "it is not a regular file")
        }
        source = .descriptor(descriptor)
        self.chunkSize = chunkSize
    }

    /// Bytes already in memory (tests, the fuzzer): read through the same path as a file.
    public init(bytes: [UInt8], chunkSize: Int = 1 << 20) {
        source = .memory(bytes, offset: 0)
        self.chunkSize = max(1, chunkSize)
    }

    deinit {
        if case .descriptor(let descriptor) = source { close(descriptor) }
    }

    /// The next bytes of the file, hashed, or nil at its end.
    func next() throws(StatusFileError) -> [UInt8]? {
        if let chunk = pushedBack {
            pushedBack = nil
            return chunk
        }
        guard !atEnd else { return nil }
        let chunk: [UInt8]
        switch source {
        case .memory(let bytes, let offset):
            let end = min(bytes.count, offset + chunkSize)
            chunk = Array(bytes[offset..<end])
            source = .memory(bytes, offset: end)
        case .descriptor(let descriptor):
            chunk = try Self.read(descriptor, upTo: chunkSize)
        }
        guard !chunk.isEmpty else {
            atEnd = true
            return nil
        }
        hasher.update(chunk)
        bytesRead += chunk.count
        return chunk
    }

    /// The first bytes, left to be read again (the format is detected from them).
    public func peek() throws(StatusFileError) -> [UInt8] {
        let chunk = try next() ?? []
        if !chunk.isEmpty { pushedBack = chunk }
        return chunk
    }

    /// SHA-256 of the whole file. Bytes a reader left unread (after the end of a document) are
    /// read and hashed too: the hash always covers the whole file.
    public func sha256() throws(StatusFileError) -> String {
        pushedBack = nil
        while try next() != nil {}
        return hasher.finalize()
    }

    private static func read(_ descriptor: Int32, upTo count: Int) throws(StatusFileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { bytes in
                bytes.baseAddress.map { Glibc.read(descriptor, $0 + filled, count - filled) } ?? 0
            }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw StatusFileError(line: nil, problem: "reading it failed (\(String(cString: strerror(errno))))")
            }
            filled += got
        }
        buffer.removeLast(count - filled)
        return buffer
    }
}
