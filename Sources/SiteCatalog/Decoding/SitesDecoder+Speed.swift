import NetmonProtocol

/// `coverage.speed`: per generation, the median download (and optionally upload) a cell must reach.
extension SitesDecoder {
    /// The thresholds as written; an empty mapping judges no generation for speed.
    func decodeSpeed(_ located: Located?) -> [Technology: SpeedThreshold]? {
        let generations = Technology.judged.map(\.rawValue)
        guard let fields = self.context.fields(located, "coverage speed", required: [], optional: generations) else {
            return nil
        }
        var speed: [Technology: SpeedThreshold] = [:]
        var failed = false
        for generation in Technology.judged where fields.has(generation.rawValue) {
            guard
                let thresholdFields = self.context.fields(
                    fields[generation.rawValue], "\(generation.rawValue) speed", required: ["download_mbps"],
                    optional: ["upload_mbps"])
            else {
                failed = true
                continue
            }
            let range = 0.001...100_000.0
            let rangeText = "between 0.001 and 100000 Mbit/s"
            let download = self.context.number(thresholdFields["download_mbps"], in: range, rangeText: rangeText)
            var upload: Double?? = .some(nil)
            if thresholdFields.has("upload_mbps") {
                upload = self.context.number(thresholdFields["upload_mbps"], in: range, rangeText: rangeText).map {
                    .some($0)
                }
            }
            guard let download, let upload else {
                failed = true
                continue
            }
            speed[generation] = SpeedThreshold(downloadMbps: download, uploadMbps: upload)
        }
        return failed ? nil : speed
    }
}
