extension CoverageAnalysis {
    /// Each commune's status: `not_measured_enough` when its measured area / area is below
    /// `targets.minMeasuredRatio`; otherwise `below_target` when it misses a commune target that is set (3G or 4G
    /// in every commune: at least one cell covered), else `meets`.
    static func judgeMeasurement(_ result: inout CoverageResult) {
        let targets = result.settings.targets
        for i in result.communes.indices {
            let c = result.communes[i]
            let status: CommuneStatus
            if c.measuredRatio < targets.minMeasuredRatio {
                status = .notMeasuredEnough
            } else if (targets.threeGEveryCommune && (c.coverage[.threeG] ?? 0) <= 0)
                || (targets.fourGEveryCommune && (c.coverage[.fourG] ?? 0) <= 0)
            {
                status = .belowTarget
            } else {
                status = .meets
            }
            result.communes[i].status = status
        }
    }
}

extension CoverageResult {
    /// Codes of the communes with a status, in code order.
    public func communes(_ status: CommuneStatus) -> [String] {
        self.communes.filter { $0.status == status }.map(\.code)
    }
}
