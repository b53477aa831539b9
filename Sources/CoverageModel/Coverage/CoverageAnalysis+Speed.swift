import NetmonProtocol

extension CoverageSettings {
    /// The technologies judged for speed, in report order.
    public var speedTechnologies: [Technology] { Technology.judged.filter { self.speed[$0] != nil } }
}

extension CoverageAnalysis {
    /// A cell's speed figures for one technology from its rates (kbit/s). The statistic is the median download
    /// and the median upload, each over the reports carrying that rate; a cell is judged once it holds at least
    /// `minSamples` downloads (and uploads, when the threshold judges upload).
    static func speedFigures(
        download: [Double], upload: [Double], threshold: SpeedThreshold, minSamples: Int
    ) -> SpeedCellFigures {
        if download.isEmpty && upload.isEmpty { return .noSamples }
        let dl = Self.median(download)
        let ul = Self.median(upload)
        let judgesUpload = threshold.uploadMbps != nil
        let state: SpeedCellState
        if download.count < minSamples || (judgesUpload && upload.count < minSamples) {
            state = .tooFewSamples
        } else {
            let downloadMeets = (dl ?? 0) >= threshold.downloadMbps * 1000
            let uploadMeets = threshold.uploadMbps.map { (ul ?? 0) >= $0 * 1000 } ?? true
            state = downloadMeets && uploadMeets ? .meets : .below
        }
        return SpeedCellFigures(
            downloadSamples: download.count, uploadSamples: upload.count, downloadMedianMbps: dl.map { $0 / 1000 },
            uploadMedianMbps: ul.map { $0 / 1000 }, state: state)
    }

    /// Judges every cell's speed per technology in `settings.speed` and sums the speed-covered area of the
    /// communes and the province (area-weighted, as the signal ratios).
    static func judgeSpeed(_ result: inout CoverageResult, accumulator: CoverageAccumulator) {
        let settings = result.settings
        let technologies = settings.speedTechnologies
        guard !technologies.isEmpty else { return }
        let rates = accumulator.speedSamples.grouped
        for i in result.cells.indices {
            let index = accumulator.index(of: result.cells[i].cell).map { Int32(truncatingIfNeeded: $0) }
            var speed: [Technology: SpeedCellFigures] = [:]
            for technology in technologies {
                guard let threshold = settings.speed[technology] else { continue }
                let r = index.flatMap { rates[SpeedSamples.SpeedKey(cell: $0, technology: technology)] }
                speed[technology] =
                    r.map {
                        Self.speedFigures(
                            download: $0.download, upload: $0.upload, threshold: threshold,
                            minSamples: settings.minSamples)
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
