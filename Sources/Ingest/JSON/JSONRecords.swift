import Foundation
import Store

/// The JSON side shared by the readers of JSON-shaped datasets: splits the text with `JSONStream`,
/// parses each part into one reused `JSONDocument`, and turns a part that cannot be used into a reject
/// naming its line. A broken structure rejects the rest of the file once, with the line where it broke.
final class JSONRecords {
    private var stream: JSONStream
    private var lastLine = 0
    private let document = JSONDocument()

    init(shape: JSONStream.Shape) {
        stream = JSONStream(shape: shape)
    }

    /// Feeds one line; `handle` gets every complete part with its parsed value and throws
    /// `RecordProblem` for a part it cannot use.
    func read(_ line: Line, into sink: any RecordSink, handle: (JSONStream.Part, JSONNode) throws -> Void) throws {
        lastLine = line.number
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        if stream.shape == .topLevelValues, stream.isBetweenValues, Self.isBracketed(line.bytes),
            (try? document.parse(line.bytes)) != nil
        {
            // A line that is one whole object or array (JSON Lines): no need of the splitter's pass, nor of a
            // copy of its bytes (a reject's raw text is taken from the line).
            let part = JSONStream.Part(key: nil, isElement: false, bytes: [], line: line.number)
            return try use(part, text: line.bytes, into: sink, handle: handle)
        }
        do {
            try stream.feed(line) { part in try parse(part, into: sink, handle: handle) }
        } catch let broken as JSONStream.BrokenStructure {
            try sink.reject(
                line: broken.line,
                reason: "not JSON of the expected shape: \(broken.reason); the rest of the file is not read")
        }
    }

    func finish(into sink: any RecordSink, handle: (JSONStream.Part, JSONNode) throws -> Void) throws {
        do {
            try stream.finish(lastLine: lastLine) { part in try parse(part, into: sink, handle: handle) }
        } catch let broken as JSONStream.BrokenStructure {
            try sink.reject(line: broken.line, reason: broken.reason)
        }
    }

    private func parse(
        _ part: JSONStream.Part, into sink: any RecordSink, handle: (JSONStream.Part, JSONNode) throws -> Void
    ) throws {
        do {
            try document.parse(part.bytes)
        } catch {
            return try sink.reject(
                line: part.line, reason: error.problem.reason,
                raw: String(decoding: part.bytes.prefix(FileSink.rawLimit), as: UTF8.self))
        }
        try part.bytes.withUnsafeBufferPointer { text in try use(part, text: text, into: sink, handle: handle) }
    }

    /// Hands the parsed part, whose text is `text`, to the reader; a part it cannot use is a reject.
    private func use(
        _ part: JSONStream.Part, text: UnsafeBufferPointer<UInt8>, into sink: any RecordSink,
        handle: (JSONStream.Part, JSONNode) throws -> Void
    ) throws {
        do {
            try handle(part, document.root)
        } catch let problem as RecordProblem {
            try sink.reject(
                line: part.line, reason: problem.reason,
                raw: String(decoding: text.prefix(FileSink.rawLimit), as: UTF8.self))
        }
    }

    /// Whether the text starts with `{` or `[` and ends with `}` or `]`, whitespace aside.
    private static func isBracketed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard let first = bytes.first(where: { !isSpace($0) }), let last = bytes.last(where: { !isSpace($0) }) else {
            return false
        }
        return (first == UInt8(ascii: "{") || first == UInt8(ascii: "["))
            && (last == UInt8(ascii: "}") || last == UInt8(ascii: "]"))
    }
}
