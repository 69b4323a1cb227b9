import Dispatch
import Store

/// Where a reader puts what it parses: readers see only this, the ingester gives them a
/// `BatchingSink` that hands batches to the thread writing the store.
protocol RecordSink: AnyObject {
    /// Takes the record (moved, not copied: a record holds a dozen strings).
    func add(_ record: consuming InvocationRecord, line: Int) throws
    func add(_ metric: Metric, line: Int?) throws
    func reject(line: Int?, reason: String, raw: String?) throws
}

extension RecordSink {
    func reject(line: Int?, reason: String) throws { try reject(line: line, reason: reason, raw: nil) }
}

/// What a reader produced from part of a file, each kind in file order. Each kind has arrays of its
/// own, so the writer can take a record out without copying it (a payload taken out of an enum is a
/// copy of a dozen strings); the written batch goes back to the parser, which frees the records on the
/// thread that made them (freeing them on the writer took a tenth of its time) and fills the same
/// storage again.
struct ParsedBatch: Sendable {
    struct Reject: Sendable {
        let line: Int?
        let reason: String
        let raw: String?
    }

    private(set) var invocations: [InvocationRecord] = []
    private(set) var keys: [DimensionKeys] = []
    private(set) var lines: [Int] = []
    private(set) var metrics: [Metric] = []
    private(set) var rejects: [Reject] = []

    var count: Int { invocations.count + metrics.count + rejects.count }

    init() {
        invocations.reserveCapacity(ParsedBatches.batchSize)
        keys.reserveCapacity(ParsedBatches.batchSize)
        lines.reserveCapacity(ParsedBatches.batchSize)
    }

    mutating func append(_ record: consuming InvocationRecord, keys: consuming DimensionKeys, line: Int) {
        invocations.append(record)
        self.keys.append(keys)
        lines.append(line)
    }

    mutating func append(_ metric: Metric) { metrics.append(metric) }
    mutating func append(_ reject: Reject) { rejects.append(reject) }

    /// Empties the batch and keeps its storage; the records are freed on the calling thread.
    mutating func removeAll() {
        invocations.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        metrics.removeAll(keepingCapacity: true)
        rejects.removeAll(keepingCapacity: true)
    }

    /// Writes the items, each kind in file order. Each record and its keys are moved out of the batch
    /// for the call and back after it: read in place they were copied (a dozen strings retained and
    /// released, a tenth of the writer's work), as the compiler cannot see that nothing writes there.
    mutating func write(to sink: FileSink) throws {
        sink.expect(invocations: invocations.count)
        try invocations.withUnsafeMutableBufferPointer { invocations in
            try keys.withUnsafeMutableBufferPointer { keys in
                guard let records = invocations.baseAddress, let keys = keys.baseAddress else { return }
                for index in invocations.indices {
                    let record = (records + index).move()
                    let key = (keys + index).move()
                    let outcome = Result { try sink.add(record, keys: key, line: lines[index]) }
                    (records + index).initialize(to: consume record)
                    (keys + index).initialize(to: consume key)
                    try outcome.get()
                }
            }
        }
        for metric in metrics { try sink.add(metric) }
        for reject in rejects { try sink.reject(line: reject.line, reason: reject.reason, raw: reject.raw) }
    }
}

/// Parsing and writing run on two cores: a parser thread reads, hashes and parses the file into
/// batches; the thread holding the store's transaction writes them. At most `capacity` batches wait,
/// so memory stays bounded whichever side is slower.
final class ParsedBatches: @unchecked Sendable {
    enum Message {
        case batch(ParsedBatch)
        /// The parser reached the end of the file: the content's SHA-256.
        case end(sha256: String)
        case failed(any Error)
    }

    static let batchSize = 1024
    /// A file's first batch is this small, and each next one twice the last up to `batchSize`, so that
    /// the writer starts early: the lambda-perf files hold under two full batches each, and waiting for
    /// a full first one left the writer idle for a third of the parse.
    static let firstBatchSize = 32
    private static let capacity = 4

    private let lock = DispatchSemaphore(value: 1)
    private let available = DispatchSemaphore(value: 0)
    private let slots = DispatchSemaphore(value: ParsedBatches.capacity)
    private var messages: [Message] = []
    /// Batches the writer is done with, for the parser to empty and fill again.
    private var spent: [ParsedBatch] = []
    private var isCancelled = false

    /// Parser side: waits for room; false when the writer gave up (the parser should stop).
    func send(_ message: Message) -> Bool {
        slots.wait()
        lock.wait()
        defer { lock.signal() }
        if isCancelled, case .batch = message {
            slots.signal()
            return false
        }
        messages.append(message)
        available.signal()
        return true
    }

    /// Writer side: the next message, waiting for it.
    func receive() -> Message {
        available.wait()
        lock.wait()
        let message = messages.removeFirst()
        lock.signal()
        slots.signal()
        return message
    }

    /// Writer side: hands a written batch back (at most `capacity` wait; any more are freed here).
    func recycle(_ batch: consuming ParsedBatch) {
        lock.wait()
        defer { lock.signal() }
        if spent.count < Self.capacity { spent.append(batch) }
    }

    /// The batches the writer is done with, taken out (for whoever frees their records).
    func takeSpent() -> [ParsedBatch] {
        lock.wait()
        defer { lock.signal() }
        let taken = spent
        spent = []
        return taken
    }

    /// Parser side: a batch the writer is done with, if any.
    func spentBatch() -> ParsedBatch? {
        lock.wait()
        defer { lock.signal() }
        return spent.popLast()
    }

    /// Writer side, after a failure: tells the parser to stop and waits until it has.
    func cancel() {
        lock.wait()
        isCancelled = true
        lock.signal()
        while true {
            switch receive() {
            case .batch: continue
            case .end, .failed: return
            }
        }
    }
}

/// The parser's sink: collects items and sends them in batches.
final class BatchingSink: RecordSink {
    private let channel: ParsedBatches
    private var batch = ParsedBatch()
    private var batchSize = ParsedBatches.firstBatchSize
    private var interner = StringInterner()
    struct Stopped: Error {}

    init(channel: ParsedBatches) {
        self.channel = channel
    }

    /// Every reader's records pass here: a number out of `Bounded` becomes the record's reject.
    func add(_ record: consuming InvocationRecord, line: Int) throws {
        if let (field, value) = record.outOfRange {
            return try reject(line: line, reason: Self.outOfRange(field, value))
        }
        if let (field, bytes, limit) = record.oversizedText {
            return try reject(
                line: line, reason: "\(field) is \(bytes) bytes long, over the \(limit) a dimension may have")
        }
        interner.intern(keysOf: &record)
        let keys = DimensionKeys(record)
        batch.append(consume record, keys: consume keys, line: line)
        try flushIfFull()
    }

    func add(_ metric: Metric, line: Int?) throws {
        if let (field, value) = metric.outOfRange {
            return try reject(
                line: line, reason: "metric \(metric.metric.rawValue.prefix(80)): " + Self.outOfRange(field, value))
        }
        batch.append(metric)
        try flushIfFull()
    }

    static func outOfRange(_ field: String, _ value: Double) -> String {
        "\(field) \(value) is not a finite number within ±1e15"
    }
    func reject(line: Int?, reason: String, raw: String?) throws {
        batch.append(ParsedBatch.Reject(line: line, reason: reason, raw: raw.map(FileSink.truncated)))
        try flushIfFull()
    }

    private func flushIfFull() throws {
        if batch.count >= batchSize {
            try flush()
            batchSize = min(2 * batchSize, ParsedBatches.batchSize)
        }
    }

    /// Sends what is collected; throws `Stopped` when the writer gave up.
    func flush() throws {
        guard batch.count > 0 else { return }
        var next = channel.spentBatch() ?? ParsedBatch()
        next.removeAll()
        swap(&batch, &next)
        guard channel.send(.batch(next)) else { throw Stopped() }
    }
}
