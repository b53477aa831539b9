import NetmonProtocol
import Testing

@testable import CoverageModel

/// Mergeable per-cell aggregates: merged over uploads (with one taken out again) they give the analysis of the
/// reports themselves, exactly for integer dBm, and within the stated bounds otherwise.
@Suite struct CellAggregatesTests {
    typealias F = CoverageFixtures
    static let box = (lat: 20.595...20.655, lng: 105.995...106.105)

    /// Eight uploads of mixed reports over the two fixture communes.
    static func uploads(wholeDecibels: Bool = true, exactRates: Bool = true) -> [[SignalReport]] {
        var source = MixedReports(seed: 17, box: Self.box, cells: 40)
        source.wholeDecibels = wholeDecibels
        source.exactRates = exactRates
        return (0..<8).map { _ in source.next(1_500) }
    }

    static func aggregates(_ reports: [SignalReport], settings: CoverageSettings = F.settings) -> CellAggregates {
        var a = CellAggregates(aggregation: CellAggregation(settings: settings))
        for r in reports { a.add(r) }
        return a
    }

    static func results(
        _ uploads: [[SignalReport]], removing removed: Int, settings: CoverageSettings = F.settings
    ) -> (full: CoverageResult, merged: CoverageResult, aggregates: CellAggregates) {
        let grid = CommuneGrid(communes: [F.west, F.east], resolution: settings.resolution)
        var accumulator = CoverageAccumulator(settings: settings)
        for (i, upload) in uploads.enumerated() where i != removed { for r in upload { accumulator.add(r) } }
        var merged = CellAggregates(aggregation: CellAggregation(settings: settings))
        for upload in uploads { merged.merge(Self.aggregates(upload, settings: settings)) }
        for (key, n) in Self.aggregates(uploads[removed], settings: settings).entries { merged.add(key, count: -n) }
        return (
            CoverageAnalysis.analyze(accumulator, grid: grid),
            CoverageAnalysis.analyze(merged, settings: settings, grid: grid), merged
        )
    }

    @Test("merged aggregates of uploads, one deleted, give the analysis of the remaining reports, cell by cell")
    func mergedEqualsFull() throws {
        let (full, merged, aggregates) = Self.results(Self.uploads(), removing: 3)
        #expect(full.cells.count == merged.cells.count)
        for (a, b) in zip(full.cells, merged.cells) { #expect(a == b, "cell \(a.cell)") }
        #expect(full.communes == merged.communes)
        #expect(full.province == merged.province)
        #expect(full.deadZones == merged.deadZones)
        #expect(full.reportsOutsideProvince == merged.reportsOutsideProvince)
        #expect(aggregates.reportCount == 7 * 1_500)
        // The case is not trivial: covered, dead, partial not-spots, judged speed, several operators.
        #expect(full.cells.contains { $0.isCovered(by: .fourG) } && full.cells.contains { $0.isCovered(by: .fiveG) })
        #expect(full.province.deadCells > 0 && full.province.partialNotSpots > 0)
        #expect(full.cells.contains { $0.speed[.fourG]?.state == .meets })
        #expect(full.cells.contains { $0.speed[.fiveG]?.state == .below })
        #expect(full.province.operators.map(\.code) == ["452-01", "452-02", "452-04", "unknown"])
    }

    @Test("taking every upload out again leaves no count")
    func subtractingEverythingLeavesNothing() {
        let uploads = Self.uploads()
        var merged = CellAggregates(aggregation: CellAggregation(settings: F.settings))
        for upload in uploads { merged.merge(Self.aggregates(upload)) }
        #expect(merged.reportCount == 12_000)
        for upload in uploads.reversed() {
            for (key, n) in Self.aggregates(upload).entries { merged.add(key, count: -n) }
        }
        #expect(merged.cells.isEmpty && merged.entries.isEmpty)
    }

    @Test("non-integer dB values: medians within half a dB of the exact ones; speed medians within 1/1024 below")
    func boundsForOtherValues() throws {
        let (full, merged, _) = Self.results(
            Self.uploads(wholeDecibels: false, exactRates: false), removing: 5)
        var compared = 0
        var speeds = 0
        for (a, b) in zip(full.cells, merged.cells) {
            #expect(a.rows == b.rows)
            for (t, figures) in a.technologies {
                let other = try #require(b.technologies[t])
                #expect(figures.samples == other.samples)
                if let exact = figures.median, let binned = other.median {
                    #expect(abs(exact - binned) <= 0.5, "cell \(a.cell) \(t): \(exact) vs \(binned)")
                    compared += 1
                    // The state can differ only when the exact median lies within half a dB of the floor.
                    if figures.state != other.state {
                        let floor = try #require(F.settings.floors[t]).dbm
                        #expect(abs(exact - floor) <= 0.5)
                    }
                } else {
                    #expect(figures.median == nil && other.median == nil)
                }
            }
            for (t, s) in a.speed {
                let other = try #require(b.speed[t])
                #expect(s.downloadSamples == other.downloadSamples && s.uploadSamples == other.uploadSamples)
                for (exact, sketched) in [
                    (s.downloadMedianMbps, other.downloadMedianMbps), (s.uploadMedianMbps, other.uploadMedianMbps),
                ] {
                    guard let exact, let sketched else {
                        #expect(exact == nil && sketched == nil)
                        continue
                    }
                    #expect(sketched <= exact && exact - sketched < exact / 1024, "\(exact) vs \(sketched)")
                    speeds += 1
                }
            }
        }
        #expect(compared > 100 && speeds > 20)
        // Some values really were moved: the bound is exercised, not met trivially.
        #expect(
            zip(full.cells, merged.cells).contains {
                $0.technologies[.fourG]?.median != $1.technologies[.fourG]?.median
            })
    }

    @Test(
        "bins: whole dB exact, halves rounded away from zero; speed buckets keep whole kbit/s below 2,048 and Mbit/s thresholds"
    )
    func bins() throws {
        #expect(CellAggregation.signalBin(-97) == -97)
        #expect(CellAggregation.signalBin(-97.5) == -98 && CellAggregation.signalBin(-97.4) == -97)
        #expect(CellAggregation.signalBin(.nan) == nil && CellAggregation.signalBin(.infinity) == nil)
        for kbps in [0, 1, 999, 2047, 5000, 7000, 16_000] as [Float] {
            let bucket = try #require(CellAggregation.rateBucket(kbps))
            #expect(CellAggregation.rate(ofBucket: bucket) == Double(kbps))
        }
        let bucket = try #require(CellAggregation.rateBucket(4999.9))
        let low = try #require(CellAggregation.rate(ofBucket: bucket))
        #expect(low < 5000 && 4999.9 - low < 4999.9 / 1024)
        #expect(CellAggregation.rateBucket(.nan) == nil && CellAggregation.rateBucket(-1) == nil)
        #expect(CellAggregation.rate(ofBucket: -1) == nil)
        // Even counts take the mean of the two middle values, as the exact median does.
        #expect(HistogramMedian.figures([-90: 1, -100: 1], value: { Double($0) }) == (2, -95))
        #expect(HistogramMedian.figures([-90: 2, -100: 1], value: { Double($0) }) == (3, -90))
        #expect(HistogramMedian.figures([:], value: { Double($0) }).median == nil)
    }

    @Test("the signature names the resolution and metrics, not the floors")
    func signature() {
        var settings = CoverageSettings()
        let base = CellAggregation(settings: settings).signature
        settings.floors[.fourG]?.dbm = -100
        settings.minSamples = 10
        #expect(CellAggregation(settings: settings).signature == base)
        settings.resolution = 9
        #expect(CellAggregation(settings: settings).signature != base)
        settings.resolution = 8
        settings.floors[.fourG]?.metric = .rsrqDb
        #expect(CellAggregation(settings: settings).signature != base)
    }
}
