import Dispatch

/// SHA-256 of a file computed on another core while the file is parsed and written: each chunk is
/// copied and hashed in order on a serial queue. At most `maxPending` chunks wait, so memory stays
/// bounded if hashing ever falls behind.
final class BackgroundHasher: @unchecked Sendable {
    private static let maxPending = 8

    private let queue = DispatchQueue(label: "analyze.ingest.sha256")
    private let slots = DispatchSemaphore(value: BackgroundHasher.maxPending)
    private var hash = SHA256()  // touched only on `queue`

    func update(_ chunk: UnsafeRawBufferPointer) {
        let copy = [UInt8](chunk)
        slots.wait()
        queue.async {
            copy.withUnsafeBytes { self.hash.update($0) }
            self.slots.signal()
        }
    }

    /// The hex digest of everything passed to `update`, once the queue has caught up.
    func finalize() -> String {
        queue.sync { hash.finalize() }
    }
}
