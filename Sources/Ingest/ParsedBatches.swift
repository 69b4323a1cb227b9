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

/// One thing a reader produced, in file order.
enum ParsedItem: Sendable {
    case invocation(InvocationRecord, keys: DimensionKeys, line: Int)
    case metric(Metric)
    case reject(line: Int?, reason: String, raw: String?)

    func apply(to sink: FileSink) throws {
        switch self {
        case .invocation(let record, let keys, let line): try sink.add(record, keys: keys, line: line)
        case .metric(let metric): try sink.add(metric)
        case .reject(let line, let reason, let raw): try sink.reject(line: line, reason: reason, raw: raw)
        }
    }
}

/// Parsing and writing run on two cores: a parser thread reads, hashes and parses the file into
/// batches; the thread holding the store's transaction writes them. At most `capacity` batches wait,
/// so memory stays bounded whichever side is slower.
final class ParsedBatches: @unchecked Sendable {
    enum Message {
        case batch([ParsedItem])
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
    private var items: [ParsedItem] = []
    private var batchSize = ParsedBatches.firstBatchSize
    struct Stopped: Error {}

    init(channel: ParsedBatches) {
        self.channel = channel
        items.reserveCapacity(ParsedBatches.batchSize)
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
        let keys = DimensionKeys(record)
        try append(.invocation(consume record, keys: keys, line: line))
    }

    func add(_ metric: Metric, line: Int?) throws {
        if let (field, value) = metric.outOfRange {
            return try reject(
                line: line, reason: "metric \(metric.metric.rawValue.prefix(80)): " + Self.outOfRange(field, value))
        }
        try append(.metric(metric))
    }

    static func outOfRange(_ field: String, _ value: Double) -> String {
        "\(field) \(value) is not a finite number within ±1e15"
    }
    func reject(line: Int?, reason: String, raw: String?) throws {
        try append(.reject(line: line, reason: reason, raw: raw.map(FileSink.truncated)))
    }

    private func append(_ item: consuming ParsedItem) throws {
        items.append(item)
        if items.count >= batchSize {
            try flush()
            batchSize = min(2 * batchSize, ParsedBatches.batchSize)
        }
    }

    /// Sends what is collected; throws `Stopped` when the writer gave up.
    func flush() throws {
        guard !items.isEmpty else { return }
        let batch = items
        items.removeAll(keepingCapacity: true)
        guard channel.send(.batch(batch)) else { throw Stopped() }
    }
}
