import NetmonProtocol

/// Coverage grid, floors and targets.
extension SitesDecoder {
    func decodeCoverage(_ located: Located?) -> CoverageConfig? {
        guard
            let fields = self.context.fields(
                located, "coverage", required: ["floors", "targets"],
                optional: ["resolution", "min_samples", "speed", "operators"])
        else { return nil }
        var resolution: Int? = 8
        if fields.has("resolution") { resolution = self.context.int(fields["resolution"], in: 0...15) }
        var minSamples: Int? = 1
        if fields.has("min_samples") { minSamples = self.context.int(fields["min_samples"], in: 1...1_000_000) }
        let floors = self.decodeFloors(fields["floors"])
        let targets = self.decodeCoverageTargets(fields["targets"])
        var speed: [Technology: SpeedThreshold]? = SpeedThreshold.fccBDC
        if fields.has("speed") { speed = self.decodeSpeed(fields["speed"]) }
        guard let resolution, let minSamples, let floors, let targets, let speed else { return nil }
        // A target about a generation can only be judged against that generation's floor.
        let targetFields = fields["targets"].flatMap { self.context.fieldsQuietly($0) }
        let needs: [(key: String, generation: Technology, isSet: Bool)] = [
            ("3g_every_commune", .threeG, targets.threeGInEveryCommune),
            ("4g_every_commune", .fourG, targets.fourGInEveryCommune),
            ("5g_area_ratio", .fiveG, targets.fiveGAreaRatio > 0),
        ]
        var failed = false
        for need in needs where need.isSet && floors[need.generation] == nil {
            if let located = targetFields?[need.key] {
                self.context.report(
                    "`\(need.key)` needs a \(need.generation.rawValue) floor in `coverage.floors` to judge cells by",
                    at: located)
                failed = true
            }
        }
        let operators = fields.has("operators") ? self.decodeOperatorNames(fields["operators"]) : [:]
        guard !failed, let operators else { return nil }
        var config = CoverageConfig(
            resolution: resolution, minSamples: minSamples, floors: floors, targets: targets, speed: speed)
        config.operators = operators
        return config
    }

    private func decodeFloors(_ located: Located?) -> [Technology: SignalFloor]? {
        let generations = Technology.judged.map(\.rawValue)
        guard let fields = self.context.fields(located, "coverage floors", required: [], optional: generations) else {
            return nil
        }
        var floors: [Technology: SignalFloor] = [:]
        var failed = false
        for generation in Technology.judged where fields.has(generation.rawValue) {
            guard
                let floorFields = self.context.fields(
                    fields[generation.rawValue], "\(generation.rawValue) floor", required: ["metric", "dbm"])
            else {
                failed = true
                continue
            }
            let metric = self.context.choice(floorFields["metric"], SignalMetric.self)
            let dbm = self.context.number(floorFields["dbm"])
            guard let metric, let dbm else {
                failed = true
                continue
            }
            if let expected = generation.floorMetric, metric != expected {
                self.context.report(
                    "the \(generation.rawValue) floor must be in `\(expected.rawValue)`, not `\(metric.rawValue)`",
                    at: floorFields["metric"]!)
                failed = true
                continue
            }
            let range = metric.validRange
            guard range.contains(dbm) else {
                let f = DecodeContext.format
                self.context.report(
                    "\(generation.rawValue) floor \(f(dbm)) dBm is outside the valid \(metric.rawValue) range "
                        + "\(f(range.lowerBound))…\(f(range.upperBound)) dBm",
                    at: floorFields["dbm"]!)
                failed = true
                continue
            }
            floors[generation] = SignalFloor(metric: metric, dbm: dbm)
        }
        if floors.isEmpty && !failed, let located {
            self.context.report("`floors` names no generation; give at least one of 3G, 4G, 5G", at: located)
            return nil
        }
        return failed ? nil : floors
    }

    private func decodeCoverageTargets(_ located: Located?) -> CoverageTargetsConfig? {
        guard
            let fields = self.context.fields(
                located, "coverage targets", required: ["4g_every_commune", "5g_area_ratio", "max_dead_zones"],
                optional: ["3g_every_commune", "min_measured_ratio"])
        else { return nil }
        var threeG: Bool? = false
        if fields.has("3g_every_commune") { threeG = self.context.bool(fields["3g_every_commune"]) }
        var minMeasured: Double? = 0.3
        if fields.has("min_measured_ratio") {
            minMeasured = self.context.number(
                fields["min_measured_ratio"], in: 0...1, rangeText: "a ratio between 0 and 1")
        }
        let fourG = self.context.bool(fields["4g_every_commune"])
        let ratio = self.context.number(fields["5g_area_ratio"], in: 0...1, rangeText: "a ratio between 0 and 1")
        let deadZones = self.context.int(fields["max_dead_zones"], in: 0...Int.max)
        guard let threeG, let fourG, let ratio, let deadZones, let minMeasured else { return nil }
        return CoverageTargetsConfig(
            threeGInEveryCommune: threeG, fourGInEveryCommune: fourG, fiveGAreaRatio: ratio, maxDeadZones: deadZones,
            minMeasuredRatio: minMeasured)
    }
}
