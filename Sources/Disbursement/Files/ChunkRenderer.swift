import Dispatch

/// Renders the files of a batch's chunks on other cores while the rows of the next chunks are
/// read, and hands the results back in the order the chunks were given: files are written,
/// listed in the manifest and checkpointed exactly as when each chunk was rendered in place.
/// Rendering is pure (bytes and their SHA-256 from the lines), so a chunk whose result is never
/// taken (the batch read failed) only cost CPU. At most `width` chunks are held at once, so
/// memory does not grow with the batch.
final class ChunkRenderer {
    struct File: Sendable {
        let name: String
        let bytes: [UInt8]
        let sha256: String
        let rows: Int
        let sum: Int64
    }

    /// One chunk's result. The semaphore orders the worker's write of `files` before the
    /// reader's read of it, which is what makes the unchecked Sendable sound.
    private final class Slot: @unchecked Sendable {
        var files: [File] = []
        let done = DispatchSemaphore(value: 0)
    }

    private let width: Int
    private var slots: [Slot] = []

    init(width: Int = 2) {
        self.width = max(1, width)
    }

    /// Starts rendering one chunk; when `width` chunks are in flight, first hands the oldest
    /// one's files to `take`.
    func submit(_ render: @escaping @Sendable () -> [File], take: ([File]) throws -> Void) throws {
        if slots.count >= width { try takeOldest(take) }
        let slot = Slot()
        slots.append(slot)
        DispatchQueue.global(qos: .userInitiated).async {
            slot.files = render()
            slot.done.signal()
        }
    }

    /// Hands every chunk still in flight to `take`, oldest first.
    func drain(_ take: ([File]) throws -> Void) throws {
        while !slots.isEmpty { try takeOldest(take) }
    }

    private func takeOldest(_ take: ([File]) throws -> Void) throws {
        let slot = slots.removeFirst()
        slot.done.wait()
        try take(slot.files)
    }
}
