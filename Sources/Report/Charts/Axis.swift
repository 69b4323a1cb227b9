import Foundation

/// A chart axis: the data range, linear or log (base 10), and round tick values.
struct Axis {
    let title: String
    let low: Double
    let high: Double
    let logarithmic: Bool
    let ticks: [Double]
    /// Values below the axis' low end, drawn at it.
    let strayCount: Int

    /// An axis covering `values`; log scale when they are positive and span more than `logSpan` (two
    /// decades; distributions of latencies pass one). With `strays`, a few values (at most 1%) at or
    /// below zero (a stray zero latency) or under a third of the 1% point are drawn at the left end of a log
    /// axis, so that 3 of 19,000 cold starts do not stretch it over two more decades; `strayCount`
    /// says how many. Without it, any such value (an idle gap of 0 minutes) keeps the axis linear, so that
    /// it is drawn where it is.
    /// `strayLimit`: at most this many strays (a figure's smallest series' 1%), when the values are several
    /// series'.
    init(
        title: String, values: [Double], includeZero: Bool = false, allowLog: Bool = true, logSpan: Double = 100,
        strays: Bool = true, strayLimit: Int? = nil
    ) {
        self.title = title
        // Beyond ±1e300 the range itself overflows; such values (an old store's) are off the chart.
        let drawable = values.filter { abs($0) <= 1e300 }
        var low = drawable.min() ?? 0
        var high = drawable.max() ?? 1
        if includeZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        let positive = drawable.filter { $0 > 0 }
        let nonPositive = drawable.count - positive.count
        let tolerated = strays ? min(drawable.count / 100, strayLimit ?? .max) : 0
        if allowLog, nonPositive <= tolerated, let smallest = positive.min() {
            // The value a 1% rank up (past the tolerated strays) is the bulk's edge; values less than a
            // third of it are strays (sorted for only when some may be). The log scale is decided on the
            // rest: strays alone never make one.
            var least = smallest
            if tolerated > nonPositive {
                let sorted = positive.sorted()
                let edge = sorted[min(tolerated - nonPositive, sorted.count - 1)]
                if edge / least > 3 { least = sorted.first { $0 >= edge / 3 }! }
            }
            if high / least > logSpan { low = least } else if least > smallest { low = min(low, 0) }
        }
        logarithmic = allowLog && low > 0 && high / low > logSpan
        if logarithmic {
            // Ends at 1, 2 or 5 times a power of ten, so that data from 97 to 1,500 is not drawn on 10-10,000.
            let start = Self.roundedDown(low)
            (self.low, self.high) = (start, Self.roundedUp(high))
            ticks = Self.logTicks(start, self.high)
            strayCount = drawable.filter { $0 < start }.count
        } else {
            strayCount = 0
            if low == high {
                // One value: a tenth of it either side (from 0 when that would cross it), so the ticks differ.
                let pad = max(abs(low) / 10, low == 0 ? 1 : 0, 1e-9)
                low = low >= 0 && low - pad < 0 ? 0 : low - pad
                high += low == 0 && high == 0 ? 1 : pad
            }
            // About five steps; the next finer round step instead when it makes the axis a tenth shorter with
            // at most eight ticks (0 to 6.96 days on 0-7 by 1, not 0-8 by 2).
            let coarse = Axis.niceStep((high - low) / 5)
            let mantissa = (coarse / pow(10, floor(log10(coarse)))).rounded()
            let fine = coarse / (mantissa == 5 ? 2.5 : 2)
            func extent(_ step: Double) -> Double { ceil(high / step) * step - floor(low / step) * step }
            let step = extent(fine) <= extent(coarse) * 0.9 && extent(fine) / fine <= 7 + 1e-9 ? fine : coarse
            self.low = floor(low / step) * step
            self.high = ceil(high / step) * step
            ticks = stride(from: self.low, through: self.high + step / 2, by: step).map { ($0 / step).rounded() * step }
        }
    }

    /// A log axis over positive `values`, whatever their span (for ratios), from and to 1, 2 or 5 times a
    /// power of ten (ratios of 0.8 to 1.3 on 0.5-2, not 0.1-10).
    init(logarithmicTitle title: String, values: [Double]) {
        self.title = title
        let positive = values.filter { $0 > 0 && $0.isFinite && $0 <= 1e300 }
        logarithmic = true
        low = Self.roundedDown(positive.min() ?? 1)
        high = max(Self.roundedUp(positive.max() ?? 1), Self.roundedUp(low * 1.01))
        ticks = Self.logTicks(low, high)
        strayCount = 0
    }

    /// Ticks of a log axis from `start` to `end`: the ends and every power of ten between, and 2 and 5 times
    /// each as well when it spans two decades or less (150 and 700 ms are read off 100, 200, 500, 1000).
    static func logTicks(_ start: Double, _ end: Double) -> [Double] {
        let factors: [Double] = end / start <= 100 * (1 + 1e-9) ? [1, 2, 5] : [1]
        let powers: [Double] = stride(from: floor(log10(start)), through: floor(log10(end)), by: 1).map {
            pow(10, $0)
        }
        let candidates: [Double] = powers.flatMap { power in factors.map { $0 * power } }
        let inner = candidates.filter { $0 > start * (1 + 1e-9) && $0 < end * (1 - 1e-9) }
        return [start] + inner + (end > start ? [end] : [])
    }

    /// The largest 1, 2 or 5 times a power of ten at most `value` (positive).
    static func roundedDown(_ value: Double) -> Double {
        let power = pow(10, floor(log10(value)))
        return [5.0, 2, 1].map { $0 * power }.first { $0 <= value * (1 + 1e-12) } ?? power
    }

    /// The smallest 1, 2 or 5 times a power of ten at least `value` (positive).
    static func roundedUp(_ value: Double) -> Double {
        let power = pow(10, floor(log10(value)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= value * (1 - 1e-12) } ?? 10 * power
    }

    /// The title as a chart prints it: `start latency (ms, log scale)` on a log axis.
    var caption: String {
        guard logarithmic else { return title }
        if title.hasSuffix(")") { return String(title.dropLast()) + ", log scale)" }
        return title + " (log scale)"
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let power = pow(10, floor(log10(raw)))
        for factor in [1.0, 2, 5, 10] where factor * power >= raw { return factor * power }
        return 10 * power
    }

    /// Position of a value between 0 (low) and 1 (high).
    func fraction(_ value: Double) -> Double {
        if logarithmic {
            return (log10(max(value, low)) - log10(low)) / (log10(high) - log10(low))
        }
        return (value - low) / (high - low)
    }

    func label(_ value: Double) -> String { Text.number(value, significant: 3) }
}
