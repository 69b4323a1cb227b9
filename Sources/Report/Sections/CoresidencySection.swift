import Analysis
import Statistics
import Store

/// The share of instances that shared a VM with another account.
struct CoresidencySection: StageSection {
    let stage = StageID.coresidency

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        let fractions = metrics.filter { $0.metric == .crossTenantFraction }
        document.markdown.table(
            ["provider", "setting", "instances sharing a VM with another account", "VMs", "instances"],
            fractions.map { fraction in
                let vms = metrics.first { $0.metric == .coresidencyVMs && $0.provider == fraction.provider }
                return [
                    fraction.provider ?? "", fraction.setting ?? "", Text.number(fraction.value, significant: 3),
                    Cells.number(vms?.value), Cells.n(fraction),
                ]
            }, rightAligned: [2, 3, 4])
    }
}
