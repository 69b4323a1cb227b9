extension Chart {
    /// Ratios as a forest plot: one row each (a `Bar`: its category is the label, low and high the CI when
    /// one is known), a log axis (a ratio of 2 and one of 1/2 lie as far from 1) and a dashed reference
    /// line at 1. Rows with a 95% CI are dots with whiskers; rows without one (published summary values)
    /// are squares. Values must be positive.
    public static func forest(title: String, x: String, rows: [Bar]) -> String {
        var withCI: [Int: Bar] = [:]
        var summaries: [Int: Bar] = [:]
        for (index, row) in rows.enumerated() {
            if row.low != nil, row.high != nil { withCI[index] = row } else { summaries[index] = row }
        }
        let series = [
            withCI.isEmpty ? nil : DotSeries("ratio of medians, 95% bootstrap CI", withCI, style: 0),
            summaries.isEmpty ? nil : DotSeries("ratio of summary values (no CI)", summaries, style: 1),
        ]
        return dots(
            title: title, x: x, rows: rows.map(\.category), series: series.compactMap { $0 }, logarithmic: true,
            reference: 1)
    }
}
