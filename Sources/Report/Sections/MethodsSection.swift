import Analysis
import Store

/// Clocks, quantiles and intervals, the cold-start rules, the source files, the rejects, and what
/// could not be measured.
struct MethodsSection: ReportSection {
    let title = "Methods and data quality"
    let stages: [StageID] = []

    func write(_ report: ReportContext, into document: inout ReportDocument) throws {
        let startLatency = report.stage(.coldStart).metrics.contains {
            $0.metric == .coldStartLatency || $0.metric == .warmStartLatency
        }
        if startLatency {
            document.markdown.paragraph(
                "**Clocks.** `request_sent_ms` and `response_received_ms` are the client's clock; `function_start_ms` "
                    + "and `function_end_ms` the instance's. Start latency mixes the two, as in the paper.")
        }
        document.markdown.paragraph(
            "**Quantiles** are type 7 (linear interpolation between order statistics: h = (n - 1)p, "
                + "q = x[floor h] + (h - floor h)(x[ceil h] - x[floor h]); numpy's and R's default). "
                + "**Confidence intervals** are 95% percentile-bootstrap intervals of the median, "
                + "\(report.bootstrap.resamples) resamples, seed \(report.bootstrap.seed)."
        )
        let rules = try report.store.coldRuleCounts(of: report.snapshot).filter { $0.invocations > 0 }
        if !rules.isEmpty {
            document.markdown.paragraph(
                "**Cold-start classifier**: the rule that decided each invocation (docs/formats.md, \"Cold or warm\").")
            document.markdown.table(
                ["rule", "meaning", "invocations"], rules.map { [$0.rule, $0.meaning, String($0.invocations)] },
                rightAligned: [2])
        }
        let sources = try report.store.sources(of: report.snapshot)
        document.markdown.paragraph(
            "**Sources**: \(sources.count) file\(sources.count == 1 ? "" : "s") (SHA-256, first 16 hex digits).")
        // A flag's column only where some file raised it (docs/analyses.md, "Data quality").
        let flags = QualityFlag.allCases.filter { flag in sources.contains { $0.flagged[flag, default: 0] > 0 } }
        let flagHeaders = flags.map { flag in
            switch flag {
            case .startBeforeSent: "start before sent"
            case .durationOverRoundTrip: "duration over round trip"
            }
        }
        let rows = sources.map { source -> [String] in
            let counts = [source.sizeBytes, Int64(source.records), Int64(source.rejected)].map { String($0) }
            let flagged = flags.map { String(source.flagged[$0, default: 0]) }
            return [source.path, source.format] + counts + flagged + [source.sha256Prefix]
        }
        document.markdown.table(
            ["file", "format", "bytes", "records", "rejected"] + flagHeaders + ["sha256"], rows,
            rightAligned: Set(2..<(5 + flags.count)))
        if !flags.isEmpty {
            let counts = flags.map { flag in
                let count = sources.reduce(0) { $0 + $1.flagged[flag, default: 0] }
                return "\(count) with a \(flag.meaning)"
            }
            document.markdown.paragraph(
                "**Data quality.** Of the \(sources.reduce(0) { $0 + $1.records }) records, "
                    + counts.joined(separator: " and ")
                    + ": values no invocation can have, which point at the clocks (the instance's and the client's) "
                    + "rather than the platform. They stay in the store and are left out of every latency "
                    + "distribution (docs/analyses.md, \"Data quality\").")
        }
        let rejects = try report.store.rejectCounts(of: report.snapshot)
        if rejects.isEmpty {
            document.markdown.paragraph("**Rejected records**: none.")
        } else {
            document.markdown.paragraph("**Rejected records** by reason (see `analyze rejects`).")
            document.markdown.table(
                ["reason", "records"], rejects.map { [$0.reason, String($0.count)] }, rightAligned: [1])
        }
        let missing = report.reports.compactMap { report -> [String]? in
            if case .notMeasurable(let reason) = report.outcome { return [report.title, reason] }
            return nil
        }
        if !missing.isEmpty {
            document.markdown.paragraph("**Not measurable from this data**:")
            document.markdown.table(["analysis", "why"], missing)
        }
    }
}
