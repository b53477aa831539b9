import Alerting
import NetmonServer

/// Coverage recomputed inside the server reaches alerting's coverage rules (4G in every commune, province 5G area,
/// dead zones): pass ``AlertingAPI`` to `buildApplication(coverageListeners:)`.
extension AlertingAPI: CoverageListener {
    public func coverageUpdated(_ update: CoverageUpdate) async {
        await self.feed(.coverage(Self.summary(update)))
    }

    /// The alerting view of a coverage update: per commune whether it meets the 4G target (at least one cell
    /// covered by 4G, as the coverage model judges the target — an unmeasured commune does not) and the share of
    /// its measured area covered by 4G (covered cells are measured cells, so covered/area ÷ measured/area; nil when
    /// nothing is measured), the province's 5G area ratio, and every dead zone (one per zone, anchored on its
    /// smallest cell), with whether each commune is measured enough and the minimum measured ratio (for
    /// `CoverageMeasurementMissing`; a commune measured too little never raises `Commune4GBelowTarget`).
    public static func summary(_ update: CoverageUpdate) -> CoverageSummary {
        CoverageSummary(
            communes: update.communes.map {
                CoverageSummary.Commune(
                    code: $0.code, name: $0.name, meetsFourGTarget: $0.hasFourG,
                    fourGAreaRatio: $0.measuredRatio > 0 ? min(1, $0.fourGAreaRatio / $0.measuredRatio) : nil,
                    measuredRatio: $0.measuredRatio, isMeasuredEnough: $0.isMeasuredEnough)
            },
            provinceFiveGAreaRatio: update.provinceFiveGAreaRatio,
            deadZones: update.zones.map {
                CoverageSummary.DeadZone(
                    zone: $0.anchor, cells: $0.cells.count, areaKm2: $0.areaKm2, communes: $0.communeCodes)
            }, minMeasuredRatio: update.minMeasuredRatio)
    }
}
