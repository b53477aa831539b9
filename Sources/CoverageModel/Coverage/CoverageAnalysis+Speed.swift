import NetmonProtocol

extension CoverageSettings {
    /// The technologies judged for speed, in report order.
    public var speedTechnologies: [Technology] { Technology.judged.filter { self.speed[$0] != nil } }
}

extension CoverageAnalysis {
    /// A cell's speed figures for one technology from the counts and medians (kbit/s) of its rates. The statistic
    /// is the median download and the median upload, each over the reports carrying that rate; a cell is judged
    /// once it holds at least `minSamples` downloads (and uploads, when the threshold judges upload).
    static func speedFigures(
        _ m: SpeedSamples.SlotMedians, threshold: SpeedThreshold, minSamples: Int
    ) -> SpeedCellFigures {
        if m.downloads == 0 && m.uploads == 0 { return .noSamples }
        let state: SpeedCellState
        if m.downloads < minSamples || (threshold.uploadMbps != nil && m.uploads < minSamples) {
            state = .tooFewSamples
        } else {
            let downloadMeets = (m.downloadMedian ?? 0) >= threshold.downloadMbps * 1000
            let uploadMeets = threshold.uploadMbps.map { (m.uploadMedian ?? 0) >= $0 * 1000 } ?? true
            state = downloadMeets && uploadMeets ? .meets : .below
        }
        return SpeedCellFigures(
            downloadSamples: m.downloads, uploadSamples: m.uploads,
            downloadMedianMbps: m.downloadMedian.map { $0 / 1000 },
            uploadMedianMbps: m.uploadMedian.map { $0 / 1000 }, state: state)
    }

    /// Judges every cell's speed per technology in `settings.speed` and sums the speed-covered area of the
    /// communes and the province (area-weighted, as the signal ratios).
    static func judgeSpeed(_ result: inout CoverageResult, source: some CellSampleSource) {
        let settings = result.settings
        let technologies = settings.speedTechnologies
        guard !technologies.isEmpty else { return }
        for i in result.cells.indices {
            var speed: [Technology: SpeedCellFigures] = [:]
            for technology in technologies {
                guard let threshold = settings.speed[technology] else { continue }
                speed[technology] =
                    source.speedMedians(in: result.cells[i].cell, technology: technology).map {
                        Self.speedFigures($0, threshold: threshold, minSamples: settings.minSamples)
                    } ?? .noSamples
            }
            result.cells[i].speed = speed
        }
        var start = 0
        for ci in result.communes.indices {
            let mine = result.cells[start..<(start + result.communes[ci].cells)]
            start += result.communes[ci].cells
            let area = result.communes[ci].areaKm2
            var figures: [Technology: SpeedAreaFigures] = [:]
            for technology in technologies {
                var covered = 0.0
                var judged = 0.0
                for cell in mine {
                    switch cell.speed[technology]?.state {
                    case .meets?:
                        covered += cell.areaKm2
                        judged += cell.areaKm2
                    case .below?: judged += cell.areaKm2
                    default: break
                    }
                }
                figures[technology] = SpeedAreaFigures(
                    coveredRatio: area > 0 ? covered / area : 0, judgedRatio: area > 0 ? judged / area : 0)
            }
            result.communes[ci].speed = figures
        }
        let area = result.communes.reduce(0) { $0 + $1.areaKm2 }
        for technology in technologies {
            var covered = 0.0
            var judged = 0.0
            for c in result.communes {
                covered += (c.speed[technology]?.coveredRatio ?? 0) * c.areaKm2
                judged += (c.speed[technology]?.judgedRatio ?? 0) * c.areaKm2
            }
            result.province.speed[technology] = SpeedAreaFigures(
                coveredRatio: area > 0 ? covered / area : 0, judgedRatio: area > 0 ? judged / area : 0)
        }
    }
}
