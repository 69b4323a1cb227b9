import Foundation
import GRDB
import Ingest
import Statistics
import Store
import Testing

@testable import Report

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Golden files live in `Tests/ReportTests/Golden/`; run the tests with UPDATE_GOLDEN=1 to rewrite
/// them after an intended change, and read the diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ text: String, _ name: String) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file")
    }
}

/// Every SVG must be well-formed XML and render in a real renderer.
enum SVGCheck {
    static func parses(_ svg: String) -> Bool {
        let parser = XMLParser(data: Data(svg.utf8))
        return parser.parse()
    }

    /// Renders with rsvg-convert (Debian's librsvg2-bin, installed by .ci/run) and returns the PNG size.
    static func renderedBytes(_ svg: String) throws -> Int {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("svg-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("chart.svg")
        let output = folder.appendingPathComponent("chart.png")
        try Data(svg.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        process.arguments = [input.path, "-o", output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return 0 }
        return (try? Data(contentsOf: output).count) ?? 0
    }
}

/// An HTML page as a browser shows it: headless Chromium (Debian's `chromium`, installed by .ci/run).
enum BrowserCheck {
    /// Opens `file` and returns the screenshot's size in bytes and what Chromium logged from the page.
    static func screenshot(_ file: URL) throws -> (bytes: Int, log: String) {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("browser-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("page.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.path)/profile",
            "--enable-logging=stderr", "--v=0", "--window-size=1300,1600", "--screenshot=\(output.path)",
            file.absoluteString,
        ]
        let log = Pipe()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return ((try? Data(contentsOf: output).count) ?? 0, text)
    }
}

@Suite struct ChartTests {
    static let series = [
        Chart.Series("python2.7", [.init(120, 0.25), .init(150, 0.5), .init(190, 0.75), .init(260, 1)]),
        Chart.Series("java8", [.init(700, 0.5), .init(980, 1)]),
    ]

    static let charts: [(String, String)] = [
        ("ecdf.svg", Chart.xy(.ecdf, title: "Cold-start latency", x: "latency (ms)", y: "fraction", series: series)),
        (
            "line.svg",
            Chart.xy(
                .line, title: "Hourly median", x: "hour", y: "latency (ms)",
                series: [Chart.Series("aws", (0..<24).map { .init(Double($0), 170 + Double($0 % 5) * 3) })])
        ),
        (
            "scatter.svg",
            Chart.xy(
                .scatter, title: "Latency against uptime", x: "uptime (s)", y: "latency (ms)",
                series: [Chart.Series("cold", [.init(10, 300), .init(1_000, 200), .init(100_000, 150)])])
        ),
        (
            "bars.svg",
            Chart.bars(
                title: "CPU share", y: "share of one CPU",
                bars: [
                    Chart.Bar("128 MB", 0.071, low: 0.07, high: 0.073),
                    Chart.Bar("1536 MB", 0.857, low: 0.85, high: 0.86),
                ])
        ),
        (
            "boxes.svg",
            Chart.boxes(
                title: "Cold starts", y: "latency (ms)",
                boxes: [
                    // Ten values or more: a box; fewer: the values themselves.
                    Chart.Box("python2.7", sample: Sample([100, 110, 120, 130, 150, 160, 170, 180, 250, 400])),
                    Chart.Box("java8", sample: Sample([700, 800, 900])),
                ])
        ),
        (
            "forest.svg",
            Chart.forest(
                title: "B / A", x: "B / A",
                rows: [
                    Chart.Bar("coldstart.latency_ms · google · median", 0.25, low: 0.23, high: 0.28),
                    Chart.Bar("scalability.max_concurrent_instances · aws · max", 3.955),
                    Chart.Bar("a label long enough to widen the label column <&>", 1.02, low: 0.9, high: 1.1),
                ])
        ),
    ]

    /// The column right of the plot is as wide as its legend needs: a short name leaves the plot wider.
    @Test func legendColumnFitsItsEntries() {
        let none = Chart.Layout()
        let short = Chart.Layout(legend: ["aws"])
        let long = Chart.Layout(legend: ["aws", String(repeating: "x", count: 60)])
        #expect(none.plotWidth > short.plotWidth && short.plotWidth > long.plotWidth)
        #expect(long.right == 210)
        #expect(Chart.Layout(notes: ["error bars: 95% CI"]).right < 210)
    }

    /// A box whose 5th and 95th percentiles are one value is a dot with that value, and the notes say so.
    @Test func aDegenerateBoxIsADot() {
        let svg = Chart.boxes(
            title: "Memory per VM", y: "MB",
            boxes: [Chart.Box("aws", sample: Sample(Array(repeating: 3328, count: 40) + [1536]))])
        #expect(svg.contains("dot: p5 to p95 are one value"))
        #expect(svg.contains(">3328<"))
        #expect(!svg.contains("box: quartiles"))
    }

    /// A long line has no markers (on a few of its points they would single them out); a short one has.
    @Test func markersOnlyOnShortLines() {
        func circles(_ count: Int) -> Int {
            let svg = Chart.xy(
                .line, title: "t", x: "x", y: "y",
                series: [Chart.Series("aws", (0..<count).map { .init(Double($0), Double($0 % 7)) })])
            return svg.components(separatedBy: "<circle").count - 1
        }
        #expect(circles(20) == 21)  // every point and the legend's
        #expect(circles(200) == 0)
    }

    /// Legend entries stay apart when names are long: the beginning they all share goes, then the middle.
    @Test func longLegendNamesKeepWhatTellsThemApart() {
        let quarkus = ["128 MB", "image 128 MB", "image 256 MB"].map { "quarkus_native_on_provided_al2023 \($0)" }
        #expect(Chart.legendLabels(quarkus) == ["…128 MB", "…image 128 MB", "…image 256 MB"])
        #expect(Chart.legendLabels(["aws", "google"]) == ["aws", "google"])
        let alone = Chart.legendLabels(["a runtime with a very long name, 1024 MB"])
        #expect(alone[0].hasPrefix("a runtime with…") && alone[0].hasSuffix("name, 1024 MB") && alone[0].count == 30)
    }

    /// A series drawn exactly under a later one is named in a note, not lost without a word.
    @Test func aSeriesHiddenUnderAnotherIsNamed() {
        let same = [Chart.Point(1, 1), .init(10, 10)]
        let series = [
            Chart.Series("aws instances", same), Chart.Series("aws VMs", same),
            Chart.Series("google VMs", [.init(1, 1), .init(10, 3)]),
        ]
        #expect(Chart.hiddenSeries(series) == ["aws instances: under aws VMs"])
        #expect(Chart.xy(.line, title: "t", x: "x", y: "y", series: series).contains(">aws instances: under aws VMs<"))
        #expect(Chart.hiddenSeries(Array(series.suffix(2))).isEmpty)
    }

    /// Points with error bars of two series at one x: each marker sits on its own error bar, set apart.
    @Test func markersMoveWithTheirErrorBars() {
        let series = [
            Chart.Series("aws", [.init(10, 0.5, low: 0.4, high: 0.6), .init(20, 0.5, low: 0.4, high: 0.6)]),
            Chart.Series("google", [.init(10, 0.5, low: 0.3, high: 0.7), .init(20, 0.5, low: 0.3, high: 0.7)]),
        ]
        let svg = Chart.xy(.scatter, title: "t", x: "x", y: "y", series: series, linearY: true)
        // Vertical error-bar lines (x1 == x2) and the centres of the markers drawn as circles (aws's marker).
        let bars = Set(
            svg.components(separatedBy: "<line ").dropFirst().compactMap { line -> String? in
                let x1 = line.components(separatedBy: "x1=\"").dropFirst().first?.prefix { $0 != "\"" }
                let x2 = line.components(separatedBy: "x2=\"").dropFirst().first?.prefix { $0 != "\"" }
                return x1 == x2 ? x1.map(String.init) : nil
            })
        let centres = svg.components(separatedBy: "<circle ").dropFirst().dropLast().compactMap {
            $0.components(separatedBy: "cx=\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) }
        }
        #expect(centres.count == 2 && centres.allSatisfy { bars.contains($0) }, "\(centres) \(bars)")
    }

    /// A forest plot's axis is logarithmic whatever the span, covers 1, and its ticks are round.
    @Test func forestAxisCoversOneOnALogScale() {
        let axis = Axis(logarithmicTitle: "B / A", values: [0.25, 0.28, 1])
        #expect(axis.logarithmic && axis.low == 0.2 && axis.high == 1)
        #expect(axis.ticks == [0.2, 0.5, 1])
        // Ratios near 1 get an axis near 1, not whole decades either side.
        #expect(Axis(logarithmicTitle: "B / A", values: [0.78, 1, 1.3]).ticks == [0.5, 1, 2])
        #expect(Axis(logarithmicTitle: "B / A", values: [1, 1]).ticks == [1, 2])
        let wide = Axis(logarithmicTitle: "B / A", values: [0.001, 40])
        #expect(wide.ticks == [0.001, 0.01, 0.1, 1, 10, 50])
    }

    @Test(arguments: charts.map(\.0))
    func chartMatchesItsGoldenFileAndRenders(name: String) throws {
        let svg = Self.charts.first { $0.0 == name }!.1
        try Golden.check(svg, name)
        #expect(SVGCheck.parses(svg))
        #expect(try SVGCheck.renderedBytes(svg) > 1000)
        #expect(!svg.contains("<script"))
    }

    @Test func largeECDFsAreDrawnThroughEvenlySpacedRanks() {
        // 5,000 steps (value i, fraction (i + 1) / 5000): 1,000 kept, at ranks floor(k * 4999 / 999).
        let points = (0..<5000).map { Chart.Point(Double($0), Double($0 + 1) / 5000) }
        let thinned = Chart.thinned(points)
        #expect(thinned.count == Chart.ecdfSteps)
        #expect(thinned.first?.x == 0 && thinned.last?.x == 4999 && thinned.last?.y == 1)
        #expect(thinned[1].x == 5 && thinned[500].x == 2502)  // 4999 / 999 = 5.004; 500 * 4999 / 999 = 2502.0
        #expect(Chart.thinned(Array(points.prefix(1000))).count == 1000)
        // The figure's size no longer grows with the sample: 100k steps draw like 1,000.
        let large = Chart.xy(
            .ecdf, title: "t", x: "x", y: "y",
            series: [Chart.Series("s", (0..<100_000).map { Chart.Point(Double($0), Double($0 + 1) / 100_000) })])
        #expect(large.utf8.count < 60_000)
    }

    @Test func groupLabelsNameTheProviderAndScenarioOnlyWhenNeeded() {
        func metric(_ provider: String, _ runtime: String, _ memory: Int?, _ setting: String) -> Metric {
            // The scenario as the cold-start stage sets it: a field, and the setting's text.
            let scenario = setting.hasPrefix("scenario=") ? String(setting.dropFirst(9).prefix { $0 != "," }) : nil
            return Metric(
                .coldStartLatency, provider: provider, runtime: runtime, memoryMB: memory, setting: setting,
                parameters: MetricParameters(temperature: .cold, scenario: scenario), statistic: .median, value: 1,
                unit: "ms")
        }
        // One provider: runtime and memory.
        #expect(
            GroupLabels.of(
                [metric("aws", "java8", 128, "cold starts"), metric("aws", "java8", 512, "cold starts")],
                memoryUnit: " MB")
                == ["java8 128 MB", "java8 512 MB"])
        // Two providers: the provider first; a scenario only where the label would repeat.
        #expect(
            GroupLabels.of([
                metric("aws", "java", nil, "scenario=java, cold starts"),
                metric("azure", "java", nil, "scenario=java, cold starts"),
                metric("azure", "powershell", nil, "scenario=ps, cold starts"),
                metric("azure", "powershell", nil, "scenario=pwsh, cold starts"),
            ])
                == ["aws java", "azure java", "azure powershell ps", "azure powershell pwsh"])
    }

    /// Levels: a line is broken where it lacks a level another line of the figure has (512 MB without
    /// colevel 3), and joined across levels no line was run at (1, 2, 4, 8).
    @Test func linesBreakAtMissingLevels() {
        let gappy = [1.0, 2, 4].map { Chart.Point($0, 0.3) }
        let full = [1.0, 2, 3, 4].map { Chart.Point($0, 0.6) }
        #expect(Chart.runs(of: gappy, levels: [1, 2, 3, 4]) == [0..<2, 2..<3])
        #expect(Chart.runs(of: gappy, levels: [1, 2, 4]) == [0..<3])
        #expect(Chart.runs(of: gappy, levels: []) == [0..<3])
        #expect(Chart.runs(of: [], levels: [1]) == [0..<0])
        let series = [Chart.Series("aws 512 MB", gappy), Chart.Series("aws 1024 MB", full)]
        let svg = Chart.xy(.line, title: "t", x: "colevel", y: "share", series: series, levels: true)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)  // 512 MB 1-2; 1024 MB 1-4; 4 alone
        let doubling = [1.0, 2, 4, 8].map { Chart.Point($0, 1) }
        let joined = Chart.xy(
            .line, title: "t", x: "colevel", y: "MB/s", series: [Chart.Series("g", doubling)], levels: true)
        #expect(joined.components(separatedBy: "<polyline").count - 1 == 1)
        // A line too long for markers keeps one on a point left alone by a missing level (36 here).
        let long = (1...35).map { Chart.Point(Double($0), 1) } + [Chart.Point(37, 1)]
        let isolated = Chart.xy(
            .line, title: "t", x: "colevel", y: "share",
            series: [Chart.Series("a", long), Chart.Series("b", (1...37).map { Chart.Point(Double($0), 2) })],
            levels: true)
        #expect(isolated.components(separatedBy: "<circle").count - 1 == 1)
    }

    @Test func logAxisWhenTheDataSpansDecades() {
        let axis = Axis(title: "uptime (s)", values: [10, 1_000, 100_000])
        #expect(axis.logarithmic && axis.ticks == [10, 100, 1_000, 10_000, 100_000])
        let linear = Axis(title: "ms", values: [123, 987])
        #expect(!linear.logarithmic && linear.ticks == [0, 200, 400, 600, 800, 1000])
        // A distribution passes one decade; a stray zero among 200 values sits at its left end.
        let latencies = [0] + (1...199).map { 100 + Double($0) * 35 }
        let distribution = Axis(title: "ms", values: latencies, logSpan: 10)
        // Two decades or less: ticks at 1, 2 and 5 times each power of ten, to read values between.
        #expect(distribution.logarithmic && distribution.ticks == [100, 200, 500, 1_000, 2_000, 5_000, 10_000])
        // An idle gap of 0 minutes is a point of its own: the axis stays linear to draw it where it is.
        let gaps = Axis(title: "minutes", values: [0, 1, 5, 30, 120, 600], strays: false)
        #expect(!gaps.logarithmic && gaps.low == 0)
        #expect(Axis(title: "minutes", values: [1, 5, 30, 120, 600], strays: false).logarithmic)
    }

    /// A few latencies far below the rest (3 zero-ish cold starts among thousands) sit at the left end of an
    /// ECDF's log axis, counted, instead of stretching it over decades; values within a factor 3 of the 1%
    /// point, or more than 1% of them, keep their place.
    @Test func strayValuesSitAtTheLeftEndOfALogAxis() {
        let bulk = (0..<400).map { 200 + Double($0) * 20 }  // 200 to 8,180 ms
        let axis = Axis(title: "ms", values: [0, 0.4, 1.2] + bulk, logSpan: 10)
        #expect(axis.logarithmic && axis.low == 200 && axis.strayCount == 3)
        let near = Axis(title: "ms", values: [100] + bulk, logSpan: 10)
        #expect(near.low == 100 && near.strayCount == 0)
        let many = Axis(title: "ms", values: Array(repeating: 1, count: 10) + bulk, logSpan: 10)
        #expect(many.low == 1 && many.strayCount == 0)
        #expect(Axis(title: "ms", values: [0.4] + bulk, logSpan: 10, strays: false).strayCount == 0)
        // Strays never make a log axis on their own; a small series' values are not its strays.
        let narrow = Axis(title: "ms", values: [1] + (0..<200).map { 50 + Double($0) }, logSpan: 10)
        #expect(!narrow.logarithmic && narrow.low == 0)
        #expect(Axis(title: "ms", values: [0, 0.4, 1.2] + bulk, logSpan: 10, strayLimit: 0).low < 1)
        // The figure says so beside its legend.
        let svg = Chart.xy(
            .ecdf, title: "t", x: "ms", y: "fraction",
            series: [Chart.Series.ecdf("aws", sorted: [0, 0.4, 1.2] + bulk)])
        #expect(svg.contains("values &lt; 200: at left end") && svg.contains("(at most 0.74% of a series)"))
    }

    /// A linear axis takes the finer round step when it covers less beyond the data: 0 to 6.96 days on 0-7.
    @Test func linearAxisEndsNearItsData() {
        let days = Axis(title: "days", values: [0, 6.96], allowLog: false)
        #expect(days.high == 7 && days.ticks == [0, 1, 2, 3, 4, 5, 6, 7])
        let share = Axis(title: "share", values: [0, 1], allowLog: false)
        #expect(share.ticks.map(share.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(Axis(title: "ms", values: [0, 100], allowLog: false).ticks == [0, 20, 40, 60, 80, 100])
    }

    /// Trend lines break across gaps in time far longer than the points' usual spacing; the time axis spans
    /// the points, with Julys between too few years.
    @Test func trendLinesBreakAtGaps() {
        let times = [2019.1, 2019.15, 2019.2, 2019.25, 2019.3, 2020.3]
        let longGap = 5 * 0.05
        #expect(Chart.runs(of: times, longGap: longGap) == [0..<5, 5..<6])
        #expect(Chart.runs(of: [2019.1, 2019.3], longGap: longGap) == [0..<2])  // measured at two of the points
        #expect(Chart.runs(of: [2019.1, 2020.3], longGap: longGap) == [0..<1, 1..<2])
        // A point alone keeps its CI, as an error bar; the others have their band.
        let points = [2019.1, 2019.2, 2019.3, 2021.3].map { (x: $0, y: 100.0, low: Double?(90), high: Double?(110)) }
        let svg = Chart.trendPanels(
            title: "t", y: "median (ms)", panels: [Chart.TrendPanel("python", [Chart.TrendLine("python", points)])])
        #expect(svg.components(separatedBy: "stroke=\"\(Palette.color(0))\" stroke-width=\"1.00\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 1)
        let ticks = Chart.timeTicks(2019.14, 2021.02)
        #expect(
            ticks.map(\.0) == [2019.5, 2020, 2020.5, 2021] && ticks.map(\.1) == ["Jul 2019", "2020", "Jul", "2021"])
        #expect(Chart.timeTicks(2012.5, 2025.5).map(\.1) == ["2013", "2015", "2017", "2019", "2021", "2023", "2025"])
    }

    /// Values an old store may hold (ingest now rejects them) draw an axis instead of trapping.
    @Test func extremeValuesDoNotBreakAnAxis() {
        for values in [[1, 1e308], [-1e308, 1e308], [1e308, 1e308], [.infinity, 5], [6144, 6144]] {
            let axis = Axis(title: "ms", values: values, allowLog: false)
            #expect(axis.low.isFinite && axis.high.isFinite && axis.low < axis.high && !axis.ticks.isEmpty, "\(values)")
        }
        // One value sits mid-axis between ticks that read differently; an all-zero fraction runs from 0.
        let single = Axis(title: "ms", values: [6144, 6144])
        #expect(single.ticks == [5500, 6000, 6500, 7000])
        #expect(Set(single.ticks.map(single.label)).count == single.ticks.count)
        let zero = Axis(title: "fraction", values: [0, 0], includeZero: true)
        #expect(zero.low == 0 && zero.high == 1)
    }

    @Test func textFromDataIsEscaped() {
        #expect(Text.xml("<script>|x & \"y\"") == "&lt;script&gt;|x &amp; &quot;y&quot;")
        #expect(Text.markdown("<script>|x *y*") == "&lt;script&gt;\\|x \\*y\\*")
        // "\r\n" is one Swift Character; ESC, BEL and DEL would reach a terminal; U+FFFE/U+FFFF are not XML.
        #expect(Text.markdown("a\r\nb\u{1B}[31m\u{7}\u{7F}c\u{FFFF}") == "a  b \\[31m  c\u{FFFD}")
        #expect(Text.markdown("[x](javascript:alert(2))") == "\\[x\\](javascript:alert(2))")
        #expect(Text.xml("a\u{FFFE}b\u{1B}c\u{85}d\u{FFFF}") == "a\u{FFFD}b c d\u{FFFD}")
        #expect(SVGCheck.parses("<t>" + Text.xml("x\u{FFFE}\u{FFFF}\u{1}\u{8}") + "</t>"))
        #expect(Text.terminal("ok\u{1B}]0;title\u{7}\r\n") == "ok\\u{1B}]0;title\\u{7}\\r\\n")
        #expect(Text.terminal("plain é") == "plain é")
        #expect(Text.number(1234.5678) == "1235" && Text.number(0.0123456) == "0.01235" && Text.number(3328) == "3328")
        #expect(
            Text.number(-0.00001) == "-1e-05".replacingOccurrences(of: "1e-05", with: "0.00001")
                || Text.number(-0.00001) == "-0.00001")
    }
}

@Suite struct CommittedFigureTests {
    /// Every chart in `Reports/` is well-formed XML and renders.
    @Test func everyCommittedSVGParsesAndRenders() throws {
        let reports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Reports")
        let walker = FileManager.default.enumerator(atPath: reports.path)!
        var checked = 0
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".svg") else { continue }
            let svg = try String(contentsOf: reports.appendingPathComponent(relative), encoding: .utf8)
            #expect(SVGCheck.parses(svg), "\(relative)")
            #expect(try SVGCheck.renderedBytes(svg) > 1000, "\(relative)")
            checked += 1
        }
        #expect(checked >= 30)
    }
}

@Suite struct ReportWriterTests {
    /// Ingests the lines, writes the report, and returns report.md and the figures.
    private func report(
        _ files: [String: String], snapshot: String
    ) throws -> (markdown: String, figures: [String: String], folder: URL) {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("report-" + UUID().uuidString)
        // The probes below name an instance after its first request, as the paper's did.
        let manifest = #"{"instance_named_by_first_request": true}"#
        for (name, text) in files.merging(["manifest.json": manifest], uniquingKeysWith: { file, _ in file }) {
            let url = folder.appendingPathComponent("data/" + name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let store = try Store(path: folder.path + "/store.sqlite")
        _ = try Ingester(store: store, options: .init(snapshot: snapshot)).run(paths: [folder.path + "/data"])
        try ReportWriter(store: store).write(snapshot: snapshot, to: folder.appendingPathComponent("out"))
        let markdown = try String(contentsOf: folder.appendingPathComponent("out/report.md"), encoding: .utf8)
            .replacingOccurrences(of: folder.path, with: "TMP")
        var figures: [String: String] = [:]
        let figureFolder = folder.appendingPathComponent("out/figures")
        for name in try FileManager.default.contentsOfDirectory(atPath: figureFolder.path) {
            figures[name] = try String(contentsOf: figureFolder.appendingPathComponent(name), encoding: .utf8)
        }
        return (markdown, figures, folder)
    }

    /// report.html beside report.md: self-contained (figures inline, nothing fetched), a table of contents,
    /// the same numbered figures; it renders in a real browser with no console message from the page.
    @Test func htmlReportRendersInABrowser() throws {
        let (_, _, folder) = try report(["probe.jsonl": Self.probe], snapshot: "probe")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("out/report.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<nav>"))
        #expect(html.contains("<a href=\"#5-cold-and-warm-start-latency\">5. Cold and warm start latency</a>"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 2)
        #expect(html.contains("<figcaption>Figure 1. "))
        #expect(!html.contains("<script") && html.contains("&lt;script&gt;"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
        let (bytes, log) = try BrowserCheck.screenshot(page)
        #expect(bytes > 30_000, "a blank page is a few kB; got \(bytes) bytes")
        #expect(!log.contains("CONSOLE") && !log.contains("Uncaught"), "\(log)")
    }

    /// Every committed report.html (`make report` writes one beside each report.md) renders the same way.
    @Test func everyCommittedReportRendersInABrowser() throws {
        let reports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Reports")
        let folders = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted().filter {
            FileManager.default.fileExists(atPath: reports.appendingPathComponent("\($0)/report.md").path)
        }
        #expect(folders.count >= 29, "\(folders)")
        for folder in folders {
            let page = reports.appendingPathComponent("\(folder)/report.html")
            let (bytes, log) = try BrowserCheck.screenshot(page)
            #expect(bytes > 30_000, "\(folder): a blank page is a few kB; got \(bytes) bytes")
            #expect(!log.contains("CONSOLE") && !log.contains("Uncaught"), "\(folder): \(log)")
        }
    }

    /// Too many groups for a box each: a dot plot per provider with every runtime up to 60, the ones with the
    /// most cold starts kept and the rest counted; one marker per architecture, or per memory size when the
    /// runtimes come in one variant. Never cut by the alphabet, never a provider dropped.
    @Test func coldStartFiguresAreChosenByTheData() throws {
        var lines: [String] = []
        var request = 0
        func cold(_ provider: String, _ runtime: String, _ architecture: String, _ memory: Int, _ latency: Double) {
            request += 1
            let sent = 1_514_764_800_000 + Double(request) * 1000
            lines.append(
                #"{"provider":"\#(provider)","runtime":"\#(runtime)","architecture":"\#(architecture)","#
                    + #""memory_mb":\#(memory),"instance_id":"r\#(request)","request_id":"r\#(request)","#
                    + #""request_sent_ms":\#(sent),"function_start_ms":\#(sent + latency)}"#
            )
        }
        // 70 AWS runtimes in two architectures; runtime zz-k (k < 10) has fewer cold starts than the rest.
        for k in 0..<70 {
            let name = k < 10 ? "zz-\(k)" : "rt-\(k)"
            for architecture in ["x86_64", "arm64"] {
                for sample in 0..<(k < 10 ? 2 : 4) { cold("aws", name, architecture, 128, Double(100 + k + sample)) }
            }
        }
        // Google: three runtimes in one variant at six memory sizes.
        for runtime in ["go", "nodejs", "python"] {
            for memory in [128, 256, 512, 1024, 2048, 4096] {
                for sample in 0..<3 { cold("google", runtime, "x86_64", memory, Double(200 + memory / 100 + sample)) }
            }
        }
        let plain = lines.count
        // Google python again, in a scenario of its own (a run folder with its manifest): a row of its own.
        for memory in [128, 256, 512, 1024, 2048, 4096] {
            for sample in 0..<3 { cold("google", "python", "x86_64", memory, Double(300 + memory / 100 + sample)) }
        }
        let (markdown, figures, folder) = try report(
            [
                "runs.jsonl": lines[..<plain].joined(separator: "\n"),
                "vpc/runs.jsonl": lines[plain...].joined(separator: "\n"),
                "vpc/manifest.json": #"{"instance_named_by_first_request": true, "parameters": {"scenario": "vpc"}}"#,
            ], snapshot: "many")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            Set(figures.keys) == [
                "coldstart-providers.svg", "coldstart-runtimes-aws.svg", "coldstart-runtimes-google.svg",
            ])
        let aws = try #require(figures["coldstart-runtimes-aws.svg"])
        #expect((10..<70).allSatisfy { aws.contains(">rt-\($0)<") })
        #expect((0..<10).allSatisfy { !aws.contains(">zz-\($0)<") })
        #expect(aws.contains(">x86_64<") && aws.contains(">arm64<"))
        #expect(markdown.contains("The 60 runtimes with the most cold starts; 10 more are in metrics.csv."))
        let google = try #require(figures["coldstart-runtimes-google.svg"])
        #expect([128, 256, 512, 1024, 2048, 4096].allSatisfy { google.contains(">x86_64, \($0) MB<") })
        #expect(["go", "nodejs", "python"].allSatisfy { google.contains(">\($0)<") })
        // The table: one row per runtime variant, a column per memory size (158 groups, no warm starts).
        #expect(
            markdown.contains(
                "| provider | runtime | 128 MB (ms) | 256 MB (ms) | 512 MB (ms) | 1024 MB (ms) | 2048 MB (ms) | 4096 "
                    + "MB (ms) | n cold |"
            ))
        #expect(markdown.components(separatedBy: "\n| aws | rt-").count - 1 == 2 * 60)
        #expect(markdown.contains("\n| google | go | 202 (n too small for a CI) | 203 (n too small for a CI) |"))
        #expect(markdown.contains("\n| google | python, no scenario | 202 (n too small for a CI) |"))
        #expect(markdown.contains("\n| google | python, scenario vpc | 302 (n too small for a CI) |"))
        let providers = try #require(figures["coldstart-providers.svg"])
        #expect(providers.contains(">aws (n = 520)<") && providers.contains(">google (n = 72)<"))
    }

    /// P(cold) by idle gap: a table and a figure per provider, gaps with fewer than 5 requests left out and counted.
    @Test func idleGapsGetTheirColdProbability() throws {
        var lines: [String] = []
        var request = 0
        func after(gap minutes: Int, cold: Bool, provider: String = "aws") {
            request += 1
            let sent = 1_514_764_800_000 + Double(request) * 1000
            lines.append(
                #"{"provider":"\#(provider)","function":"scatter","experiment":"idle-scatter","#
                    + #""interval_s":\#(minutes * 60),"#
                    + #""is_cold":\#(cold),"request_sent_ms":\#(sent),"function_start_ms":\#(sent + 50)}"#
            )
        }
        for _ in 0..<10 { after(gap: 1, cold: false) }
        for index in 0..<10 { after(gap: 30, cold: index < 8) }
        for _ in 0..<2 { after(gap: 50, cold: true) }
        for _ in 0..<6 { after(gap: 200, cold: true, provider: "google") }
        let (markdown, figures, folder) = try report(["idle.jsonl": lines.joined(separator: "\n")], snapshot: "idle")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Each provider's bins are a twentieth of its own longest gap: aws 50 min, 5-minute bins (the 50-minute
        // bin's two requests are too few for a point); google 200 min, 10-minute bins.
        #expect(markdown.contains("| aws | idle-scatter | 1-50 | 22 | 0 | 30-35 min | 0.8 |"), "\(markdown)")
        #expect(markdown.contains("| google | idle-scatter | 200-200 | 6 | 1 | 200-210 min | 1 |"))
        #expect(
            markdown.contains(
                "in bins of the gap (5 min for aws, 10 min for google), each point at the mean gap of its requests "
                    + "(6 to 10 requests a bin)"))
        #expect(markdown.contains("Bins with fewer than 5 requests are left out (2 requests, in metrics.csv)."))
        #expect(figures["idle-cold-probability.svg"] != nil)
    }

    /// Cold and warm starts of two runtimes, one of them named to break XML and Markdown, and a bad line.
    static let probe: String = {
        var lines: [String] = []
        for (index, runtime) in ["python2.7", "<script>|x"].enumerated() {
            for k in 0..<5 {
                let sent = 1_514_764_800_000 + Double(index * 100_000 + k * 10_000)
                let cold = 150 + Double(k * 10 + index * 500)
                lines.append(
                    #"{"provider":"aws","function":"f\#(index)","runtime":"\#(runtime)","memory_mb":128,"#
                        + #""instance_id":"i\#(index)-\#(k)","request_id":"i\#(index)-\#(k)","#
                        + #""request_sent_ms":\#(sent),"function_start_ms":\#(sent + cold),"#
                        + #""response_received_ms":\#(sent + cold + 20)}"#
                )
                lines.append(
                    #"{"provider":"aws","function":"f\#(index)","runtime":"\#(runtime)","memory_mb":128,"#
                        + #""instance_id":"i\#(index)-\#(k)","request_id":"w\#(index)-\#(k)","#
                        + #""request_sent_ms":\#(sent + 2000),"function_start_ms":\#(sent + 2025),"#
                        + #""response_received_ms":\#(sent + 2050)}"#
                )
            }
        }
        lines.append("not json")
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func reportMatchesItsGoldenFile() throws {
        let (markdown, figures, folder) = try report(["probe.jsonl": Self.probe], snapshot: "probe")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Golden.check(markdown, "report.md")
        #expect(Set(figures.keys) == ["coldstart-box.svg", "coldstart-ecdf.svg"])
        for (_, svg) in figures {
            #expect(SVGCheck.parses(svg))
            #expect(!svg.contains("<script"))
        }
        #expect(figures["coldstart-ecdf.svg"]!.contains("&lt;script&gt;|x"))
        #expect(markdown.contains("&lt;script&gt;\\|x"))
        #expect(markdown.contains("Not measurable from this data: no runs of the 'scalability' experiment"))
        #expect(markdown.contains("| not valid JSON (unexpected 'n') | 1 |"))
    }

    /// docs/analyses.md, "Data quality": a record whose function started before its request was sent
    /// is counted in the methods section (a column for the flag raised, none for the other) and left
    /// out of the cold-start median (the probe's two python2.7 cold starts of 150 and 160 ms stay).
    @Test func flaggedRecordsAreCountedAndLeftOut() throws {
        let early =
            #"{"provider":"aws","function":"f0","runtime":"python2.7","memory_mb":128,"instance_id":"x","#
            + #""request_id":"x","request_sent_ms":1514764900000,"function_start_ms":1514764899990,"#
            + #""response_received_ms":1514764900020}"#
        let (markdown, _, folder) = try report(["probe.jsonl": Self.probe + "\n" + early], snapshot: "probe")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(markdown.contains("| file | format | bytes | records | rejected | start before sent | sha256 |"))
        #expect(!markdown.contains("duration over round trip"))
        #expect(
            markdown.contains(
                "**Data quality.** Of the 21 records, 1 with a function start before the request was sent "
                    + "(start latency < 0)"))
        // Cold starts 150, 160, 170, 180, 190 ms: median 170 of 5 (with the -10 ms record, 165 of 6).
        let metrics = try Store(path: folder.path + "/store.sqlite").queue.read {
            try MetricStore($0).metrics(snapshot: "probe")
        }
        let median = metrics.first {
            $0.metric == .coldStartLatency && $0.statistic == .median && $0.runtime == "python2.7"
        }
        #expect(median?.value == 170 && median?.n == 5)
    }

    /// Data that tries to be markup, a heading, a link or a terminal sequence stays text.
    @Test func hostileProviderAndRuntimeStayText() throws {
        let provider = "<img src=x onerror=alert(1)> [x](javascript:alert(2))\\n# injected"
        let probe = Self.probe.replacingOccurrences(of: #""provider":"aws""#, with: #""provider":"\#(provider)""#)
            .replacingOccurrences(of: "python2.7", with: #"py\r\nthon\u001b[31m\u0007\uffff"#)
        let (markdown, figures, folder) = try report(["probe.jsonl": probe], snapshot: "probe")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(markdown.contains("onerror"), "the provider is in the report")
        // Escaped brackets (`\\]`) make no link.
        #expect(
            !markdown.contains("<img") && !markdown.replacingOccurrences(of: "\\]", with: "").contains("](javascript"))
        #expect(!markdown.split(separator: "\n").contains { $0.hasPrefix("# injected") })
        #expect(!markdown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } && !markdown.contains("\u{FFFF}"))
        for (name, svg) in figures {
            #expect(SVGCheck.parses(svg), "\(name)")
            #expect(!svg.contains("<img") && !svg.contains("\u{FFFF}"), "\(name)")
        }
    }

    @Test func sameStoreSameBytes() throws {
        let first = try report(["probe.jsonl": Self.probe], snapshot: "probe")
        let second = try report(["probe.jsonl": Self.probe], snapshot: "probe")
        defer {
            try? FileManager.default.removeItem(at: first.folder)
            try? FileManager.default.removeItem(at: second.folder)
        }
        #expect(first.markdown == second.markdown && first.figures == second.figures)
    }
}
