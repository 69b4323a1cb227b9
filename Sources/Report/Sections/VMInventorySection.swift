import Analysis
import Statistics
import Store

/// VM counts, configurations and vCPUs per provider, and each configuration's share of instances.
struct VMInventorySection: StageSection {
    let stage = StageID.vmInventory

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        let providers = Set(metrics.compactMap(\.provider)).sorted()
        func find(_ provider: String, _ id: MetricID, _ statistic: Statistic) -> String {
            Cells.number(
                metrics.first { $0.provider == provider && $0.metric == id && $0.statistic == statistic }?.value)
        }
        document.markdown.table(
            ["provider", "host VMs", "configurations", "vCPUs (mode)", "vCPUs (max)"],
            providers.map { provider in
                [
                    provider, find(provider, .vmCount, .count), find(provider, .vmConfigurations, .count),
                    find(provider, .vmVCPUs, .mode), find(provider, .vmVCPUs, .max),
                ]
            }, rightAligned: [1, 2, 3, 4])
        // A share's n is its provider's instances: each configuration's own count is share x n (exact, the
        // share being count / n).
        let shares = metrics.filter { $0.metric == .vmConfigurationShare }
        document.markdown.table(
            ["provider", "configuration (CPU model, vCPUs)", "instances", "share of the provider's instances"],
            shares.map { share in
                [
                    share.provider ?? "", share.setting ?? "",
                    share.n.map { String(Int((share.value * Double($0)).rounded())) } ?? "",
                    Text.number(share.value, significant: 3) + (share.n.map { " of \($0)" } ?? ""),
                ]
            }, rightAligned: [2, 3])
    }
}
