import Store

/// A format reader: turns the lines of one file into invocation records or rejects, writing each
/// into the sink as soon as it is parsed.
protocol RecordReader {
    mutating func read(_ line: Line, into sink: FileSink) throws
    /// Called once after the last line (a reader holding a partial record rejects it here).
    mutating func finish(into sink: FileSink) throws
}

extension RecordReader {
    mutating func finish(into sink: FileSink) throws {}
}
