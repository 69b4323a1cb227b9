import Store

/// A format reader: turns the lines of one file into invocation records or rejects, writing each
/// into the sink as soon as it is parsed.
protocol RecordReader {
    mutating func read(_ line: Line, into sink: any RecordSink) throws
    /// Called once after the last line (a reader holding a partial record rejects it here).
    mutating func finish(into sink: any RecordSink) throws
}

extension RecordReader {
    mutating func finish(into sink: any RecordSink) throws {}
}

/// What a reader knows about its file besides the lines.
struct FileContext {
    let manifest: Manifest
    /// The file's path relative to its manifest's directory (as given when there is no manifest).
    let relativePath: String
    /// The mapping in force (`--mapping` or the manifest's), for `Format.mapping`.
    var mapping: Mapping?

    var template: InvocationRecord { manifest.template }
}
