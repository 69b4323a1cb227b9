import Foundation

/// A sample of numbers, sorted once, with the descriptive statistics the analyses report.
///
/// Quantiles are Hyndman-Fan type 7 (the default of numpy, R and DuckDB's `quantile_cont`): for sorted
/// x[0..n-1] and probability p, h = (n - 1) p and q = x[floor h] + (h - floor h) (x[ceil h] - x[floor h]).
public struct Sample: Sendable, Equatable {
    public let sorted: [Double]

    public init<S: Sequence<Double>>(_ values: S) {
        var values = Array(values)
        values.removeAll { $0.isNaN }
        values.sortAscending()
        sorted = values
    }

    /// A sample already sorted ascending, without NaN (a stored one): not sorted again.
    public init(sorted: [Double]) {
        assert(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 }, "Sample(sorted:) of unsorted values")
        self.sorted = sorted
    }

    /// The samples' values together: the same sorted array as sorting their concatenation, by a k-way
    /// merge (a single sample is returned as it is, not copied).
    public init(merging samples: [Sample]) {
        let parts = samples.filter { !$0.isEmpty }
        guard parts.count > 1 else {
            self = parts.first ?? Sample(sorted: [])
            return
        }
        // A binary min-heap of (part, position), by value, then by part so that ties keep the parts' order.
        var heap = parts.indices.map { (part: $0, position: 0) }
        func value(_ entry: (part: Int, position: Int)) -> Double { parts[entry.part].sorted[entry.position] }
        func less(_ a: Int, _ b: Int) -> Bool {
            let (x, y) = (value(heap[a]), value(heap[b]))
            return x < y || (x == y && heap[a].part < heap[b].part)
        }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, less(left, smallest) { smallest = left }
                if right < heap.count, less(right, smallest) { smallest = right }
                if smallest == parent { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
        var merged: [Double] = []
        merged.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        while !heap.isEmpty {
            merged.append(value(heap[0]))
            heap[0].position += 1
            if heap[0].position == parts[heap[0].part].count {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        sorted = merged
    }

    public var count: Int { sorted.count }
    public var isEmpty: Bool { sorted.isEmpty }
    public var min: Double? { sorted.first }
    public var max: Double? { sorted.last }

    public func quantile(_ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = Int(h.rounded(.up))
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    public var median: Double? { quantile(0.5) }

    /// Arithmetic mean (summed in sorted order, so the same sample gives the same bits).
    public var mean: Double? {
        sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
    }

    /// Sample standard deviation (n - 1 in the denominator); nil below two values.
    public var standardDeviation: Double? {
        guard sorted.count >= 2, let mean else { return nil }
        let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(sorted.count - 1)).squareRoot()
    }

    /// The most frequent value (the smallest of equally frequent ones).
    public var mode: Double? {
        var best: (value: Double, count: Int)?
        var index = 0
        while index < sorted.count {
            var end = index
            while end < sorted.count, sorted[end] == sorted[index] { end += 1 }
            if best == nil || end - index > best!.count { best = (sorted[index], end - index) }
            index = end
        }
        return best?.value
    }

    /// The empirical CDF as steps: each distinct value with the fraction of the sample at or below it.
    public var ecdf: [(value: Double, fraction: Double)] {
        var steps: [(Double, Double)] = []
        for (index, value) in sorted.enumerated() where index + 1 == sorted.count || sorted[index + 1] != value {
            steps.append((value, Double(index + 1) / Double(sorted.count)))
        }
        return steps
    }
}
