import Statistics
import Store

/// The cold-start figures, chosen by the data and never by the alphabet (docs/reports.md):
/// - with two providers or more, every provider's cold starts together, one ECDF line each (the paper's
///   cross-provider figure);
/// - up to 8 runtime x memory groups: their ECDFs; up to 16: a box each;
/// - more: a dot plot per provider of every runtime's median with its CI, one marker per memory size when
///   the runtimes come in one variant and a few sizes, else at the memory size most runtimes were measured
///   at with one marker per packaging and architecture; rows sorted by median; beyond 60 runtimes, the 60
///   with the most cold starts, saying how many are left out (all are in metrics.csv).
/// Figures show one latency definition: the best the source has (`MetricID.startLatencies` order).
enum ColdStartFigures {
    static let ecdfGroups = 8
    static let boxGroups = 16
    static let dotRows = 60

    /// `aggregate`: what each record stands for, when the source publishes aggregates (the figures then
    /// name it: "per-minute maximum of the reported handler duration").
    /// `snapshotProviders`: every provider the snapshot's analyses name, so that the cross-provider figure
    /// says which have no cold start to draw rather than leaving them out in silence.
    static func write(
        detailed: [Metric], pooled: [Metric], aggregate: RecordAggregate?, snapshotProviders: [String],
        into document: inout ReportDocument
    ) {
        let definitions = MetricID.startLatencies.map(\.cold)
        guard let metric = definitions.first(where: { id in (detailed + pooled).contains { $0.metric == id } }) else {
            return
        }
        let measured = metric.quantity ?? metric.name
        let quantity = aggregate.map { "\($0.description) of the \(measured)" } ?? measured
        let groups = detailed.filter { $0.metric == metric && $0.samples != nil }
        let providers = pooled.filter { $0.metric == metric && $0.samples != nil }
        if providers.count > 1 {
            document.figure(
                "coldstart-providers.svg",
                Chart.xy(
                    .ecdf, title: "\(quantity.capitalizedFirst) of cold starts by provider", x: "\(quantity) (ms)",
                    y: "fraction of cold starts",
                    series: providers.map {
                        Chart.Series.ecdf("\($0.provider ?? "") (n = \($0.n ?? 0))", sorted: $0.samples!)
                    }),
                "ECDF of the \(quantity) of every cold start, one line per provider (every runtime and memory size "
                    + "together; n in the legend).\(Self.absent(snapshotProviders, drawn: providers, quantity))")
        }
        guard !groups.isEmpty else { return }
        let counts = groups.compactMap(\.n)
        let shared = Set(groups.map(\.memoryMB)).count == 1 ? groups[0].memoryMB.map { " All at \($0) MB." } ?? "" : ""
        let range = counts.isEmpty ? "" : " n = \(Cells.range(counts)) cold starts per group."
        // What the groups differ by, as the labels show it.
        let over = [
            Set(groups.compactMap(\.provider)).count > 1 ? "provider" : nil, "runtime",
            groups.contains { $0.memoryMB != nil } && shared.isEmpty ? "memory" : nil,
        ].compactMap { $0 }
        let by = over.count == 1 ? over[0] : over.dropLast().joined(separator: ", ") + " and " + over.last!
        if groups.count <= ecdfGroups {
            document.figure(
                "coldstart-ecdf.svg",
                Chart.xy(
                    .ecdf, title: "\(quantity.capitalizedFirst) of cold starts by group", x: "\(quantity) (ms)",
                    y: "fraction of cold starts",
                    series: zip(GroupLabels.of(groups, memoryUnit: " MB"), groups).map {
                        Chart.Series.ecdf($0, sorted: $1.samples!)
                    }),
                "ECDF of the \(quantity) by \(by), every group.\(shared)\(range)")
        }
        if groups.count <= boxGroups {
            document.figure(
                "coldstart-box.svg",
                Chart.boxes(
                    title: "\(quantity.capitalizedFirst) of cold starts by group", y: "\(quantity) (ms)",
                    boxes: zip(GroupLabels.of(groups, memoryUnit: " MB"), groups).map {
                        Chart.Box($0, sample: Sample(sorted: $1.samples!))
                    }
                ),
                "The \(quantity) by \(by), every group.\(shared)\(range)")
            return
        }
        let facets = Set(groups.compactMap(\.provider)).sorted()
        for provider in facets {
            dotPlot(
                groups.filter { $0.provider == provider }, provider: provider, named: facets.count > 1,
                quantity: quantity, into: &document)
        }
    }

    /// Memory sizes drawn as series of their own when the runtimes have one packaging and architecture.
    static let memorySeries = 6

    /// One provider's runtimes, one row each: one marker per memory size when the runtimes come in one
    /// variant and a few sizes, else at the most common memory size, one marker per packaging and
    /// architecture.
    /// " No line for azure: no cold start with a start latency." for the providers a figure cannot draw.
    private static func absent(_ all: [String], drawn: [Metric], _ quantity: String) -> String {
        let missing = Set(all).subtracting(drawn.compactMap(\.provider)).sorted()
        guard !missing.isEmpty else { return "" }
        return " No line for \(missing.joined(separator: ", ")): no cold start with a \(quantity) (cold or warm "
            + "unknown, or measured otherwise; see the tables and methods)."
    }

    private static func dotPlot(
        _ groups: [Metric], provider: String, named: Bool, quantity: String, into document: inout ReportDocument
    ) {
        struct Variant: Hashable, Comparable {
            let runtime: RuntimeVariant, memoryMB: Int?
            static func < (a: Variant, b: Variant) -> Bool {
                a.runtime != b.runtime ? a.runtime < b.runtime : (a.memoryMB ?? -1) < (b.memoryMB ?? -1)
            }
        }
        func variant(_ row: Metric, memory: Bool) -> Variant {
            Variant(runtime: row.variant, memoryMB: memory ? row.memoryMB : nil)
        }
        let byMemory = Dictionary(grouping: groups) { $0.memoryMB ?? -1 }
        let bySize = Set(groups.map { variant($0, memory: false) }).count == 1 && byMemory.count <= memorySeries
        guard let memory = byMemory.keys.max(by: { (byMemory[$0]!.count, $1) < (byMemory[$1]!.count, $0) }) else {
            return
        }
        let atMemory = bySize ? groups : byMemory[memory]!
        let variants = Set(atMemory.map { variant($0, memory: bySize) }).sorted()
        let byRuntime = Dictionary(grouping: atMemory) { $0.runtime ?? "" }
        // The runtimes with the most cold starts when there are too many to show, then by median.
        let total = { (runtime: String) in byRuntime[runtime]!.reduce(0) { $0 + ($1.n ?? 0) } }
        let kept = byRuntime.keys.sorted { (total($0), $1) > (total($1), $0) }.prefix(dotRows)
        func sortKey(_ runtime: String) -> Double {
            let rows = byRuntime[runtime]!
            let first = rows.first { variant($0, memory: bySize) == variants[0] }
            return first?.value ?? rows.map(\.value).min()!
        }
        let runtimes = kept.sorted { (sortKey($0), $0) < (sortKey($1), $1) }
        let series = variants.enumerated().map { number, kind in
            let name = [kind.runtime.packaging, kind.runtime.architecture, kind.memoryMB.map { "\($0) MB" }]
                .compactMap { $0 }.joined(separator: ", ")
            var points: [Int: Chart.Bar] = [:]
            for (index, runtime) in runtimes.enumerated() {
                guard let row = byRuntime[runtime]!.first(where: { variant($0, memory: bySize) == kind }) else {
                    continue
                }
                points[index] = Chart.Bar(runtime, row.value, low: Cells.ci(row)?.low, high: Cells.ci(row)?.high)
            }
            return Chart.DotSeries(name.isEmpty ? "median" : name, points, style: number)
        }
        let left = byRuntime.count - runtimes.count
        let memoryText = bySize || memory < 0 ? "" : " at \(memory) MB"
        let file = "coldstart-runtimes\(named ? "-\(provider)" : "").svg"
        document.figure(
            file,
            Chart.dots(
                title: "\(provider): median \(quantity) of cold starts\(memoryText)", x: "median \(quantity) (ms)",
                rows: runtimes, series: series),
            "Median \(quantity) of every \(provider) runtime"
                + (bySize
                    ? ", with its 95% bootstrap CI, one marker per memory size"
                    : "\(memoryText) (the memory size most runtimes were measured at), with its 95% bootstrap CI, one "
                        + "marker per packaging and architecture")
                + "; rows by the median of the first."
                + (groups.contains { $0.metric == .coldStartReportedDuration }
                    ? " The reported duration is the handler's run: the runtime's start is not in it." : "")
                + (left > 0
                    ? " The \(runtimes.count) runtimes with the most cold starts; \(left) more are in metrics.csv."
                    : "")
        )
    }

}

extension String {
    /// The first letter in upper case, for a title made from a phrase.
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
