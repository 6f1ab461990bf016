import Foundation

/// A set shared with a signal handler's thread: what the running command has started (keyring
/// folders, process groups) so that `ExternalCleanup` can end it.
final class LockedSet<Element: Hashable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: Set<Element> = []

    func insert(_ element: Element) { lock.withLock { _ = elements.insert(element) } }
    func remove(_ element: Element) { lock.withLock { _ = elements.remove(element) } }
    var all: Set<Element> { lock.withLock { elements } }
}
