import Foundation

extension AlertEngine {
    /// How many communes are shown by name in the measurement summary's description.
    static let measurementMissingNamesShown = 20

    /// `CoverageMeasurementMissing` (severity info): one province-wide alert while some communes have less than
    /// `min_measured_ratio` of their area measured, saying how many; it clears when every commune is measured
    /// enough. nil when the summary gives no minimum (nothing to judge by).
    func measurementMissingSignal(_ coverage: CoverageSummary) -> AlertSignal? {
        guard let minimum = coverage.minMeasuredRatio else { return nil }
        let missing = coverage.communesNotMeasuredEnough
        let percent = String(format: "%.0f %%", minimum * 100)
        let summary =
            missing.count == 1
            ? "1 commune has less than \(percent) of its area measured"
            : "\(missing.count) communes have less than \(percent) of their area measured"
        let shown = missing.prefix(Self.measurementMissingNamesShown).map { c in
            c.measuredRatio.map { "\(c.name) (\(String(format: "%.0f", $0 * 100)) %)" } ?? c.name
        }
        let more = missing.count > shown.count ? ", and \(missing.count - shown.count) more" : ""
        var annotations = [
            "summary": summary,
            "value": String(missing.count),
            "min_measured_ratio": String(format: "%g", minimum),
        ]
        if !missing.isEmpty {
            annotations["description"] =
                "Not measured enough to judge coverage targets: " + shown.joined(separator: ", ") + more
            annotations["communes"] = missing.map(\.code).joined(separator: ",")
        }
        return AlertSignal(
            labels: ["alertname": "CoverageMeasurementMissing", "severity": "info", "kind": "coverage"],
            annotations: annotations, level: missing.isEmpty ? .clear : .raise)
    }
}
