import Foundation
import NetmonProtocol
import Testing

@testable import CoverageModel

/// Speed judged per cell and technology on the reports that carry rates, and the speed-covered area.
@Suite struct SpeedRuleTests {
    typealias F = CoverageFixtures

    /// Reports of `technology` at the centre of `cell`, one per pair of rates (kbit/s, nil for none), each with a
    /// good signal so the signal state never depends on the rates.
    static func rated(
        _ cell: H3Index, _ technology: Technology, download: [Double?], upload: [Double?]
    ) -> [SignalReport] {
        let centre = H3.cellToLatLng(cell)
        return zip(download, upload).map { dl, ul in
            var r = SignalReport(
                lat: centre.lat, lon: centre.lng, technology: technology, operatorCode: "452-04", dlKbps: dl,
                ulKbps: ul)
            r.rsrpDbm = -90
            if technology == .fiveG { r.nrSsRsrpDbm = -90 }
            return r
        }
    }

    static func state(_ result: CoverageResult, _ cell: H3Index, _ technology: Technology) -> SpeedCellState? {
        result.cells.first { $0.cell == cell }?.speed[technology]?.state
    }

    @Test func fourGAtExactlyTheThresholdMeetsIt() throws {
        let cell = F.westCentre
        let at = F.analyze(Self.rated(cell, .fourG, download: [5000, 5000, 5000], upload: [1000, 1000, 1000]))
        #expect(Self.state(at, cell, .fourG) == .meets)
        let figures = try #require(at.cells.first { $0.cell == cell }?.speed[.fourG])
        #expect(figures.downloadMedianMbps == 5 && figures.uploadMedianMbps == 1)
        #expect(figures.downloadSamples == 3 && figures.uploadSamples == 3)
        // One kbit/s short on either direction is below.
        let slowDown = F.analyze(Self.rated(cell, .fourG, download: [4999, 4999, 4999], upload: [1000, 1000, 1000]))
        #expect(Self.state(slowDown, cell, .fourG) == .below)
        let slowUp = F.analyze(Self.rated(cell, .fourG, download: [5000, 5000, 5000], upload: [999, 999, 999]))
        #expect(Self.state(slowUp, cell, .fourG) == .below)
        // The signal state is judged apart: covered in all three.
        #expect(slowUp.cells.first { $0.cell == cell }?.technologies[.fourG]?.state == .covered)
    }

    @Test func theMedianOfEachDirectionIsJudged() throws {
        let cell = F.westCentre
        // Downloads 1, 6, 9 Mbit/s: median 6 ≥ 5 although one test was slow; uploads 0.5, 2, 3: median 2.
        let result = F.analyze(Self.rated(cell, .fourG, download: [1000, 9000, 6000], upload: [500, 3000, 2000]))
        let figures = try #require(result.cells.first { $0.cell == cell }?.speed[.fourG])
        #expect(figures.downloadMedianMbps == 6 && figures.uploadMedianMbps == 2)
        #expect(figures.state == .meets)
    }

    @Test func tooFewRateSamplesAreNotJudged() {
        let cell = F.westCentre
        // Three reports (enough for signal), only two carry rates.
        let two = F.analyze(Self.rated(cell, .fourG, download: [9000, 9000, nil], upload: [2000, 2000, nil]))
        #expect(Self.state(two, cell, .fourG) == .tooFewSamples)
        #expect(two.cells.first { $0.cell == cell }?.technologies[.fourG]?.state == .covered)
        // Three downloads but two uploads: upload is judged by the default threshold, so still too few.
        let twoUploads = F.analyze(Self.rated(cell, .fourG, download: [9000, 9000, 9000], upload: [2000, 2000, nil]))
        #expect(Self.state(twoUploads, cell, .fourG) == .tooFewSamples)
        // No rates at all.
        let none = F.analyze(Self.rated(cell, .fourG, download: [nil, nil, nil], upload: [nil, nil, nil]))
        #expect(Self.state(none, cell, .fourG) == .noSamples)
        // Negative rates are no rates.
        let negative = F.analyze(Self.rated(cell, .fourG, download: [-1, -1, -1], upload: [-1, -1, -1]))
        #expect(Self.state(negative, cell, .fourG) == .noSamples)
    }

    @Test func fiveGIsJudgedOnTheFiveGThresholds() {
        let cell = F.westCentre
        // 6/1 Mbit/s: enough for 4G's 5/1 but not for 5G's 7/1; a 5G report's rates are judged for 5G only.
        let six = F.analyze(Self.rated(cell, .fiveG, download: [6000, 6000, 6000], upload: [1000, 1000, 1000]))
        #expect(Self.state(six, cell, .fiveG) == .below)
        #expect(Self.state(six, cell, .fourG) == .noSamples)
        // Its signal still counts for 4G through the LTE anchor, as before.
        #expect(six.cells.first { $0.cell == cell }?.technologies[.fourG]?.state == .covered)
        let seven = F.analyze(Self.rated(cell, .fiveG, download: [7000, 7000, 7000], upload: [1000, 1000, 1000]))
        #expect(Self.state(seven, cell, .fiveG) == .meets)
    }

    @Test func aDownloadOnlyThresholdNeedsNoUploads() {
        // QCVN 126:2021/BTTTT's 5G figure: average download ≥ 100 Mbit/s, no upload figure.
        var settings = CoverageSettings()
        settings.speed[.fiveG] = SpeedThreshold(downloadMbps: 100, uploadMbps: nil)
        let cell = F.westCentre
        let fast = Self.rated(cell, .fiveG, download: [120_000, 100_000, 150_000], upload: [nil, nil, nil])
        #expect(Self.state(F.analyze(fast, settings: settings), cell, .fiveG) == .meets)
        let slow = Self.rated(cell, .fiveG, download: [99_000, 99_999, 150_000], upload: [nil, nil, nil])
        #expect(Self.state(F.analyze(slow, settings: settings), cell, .fiveG) == .below)
        // A technology without a threshold is not judged for speed at all.
        settings.speed[.fourG] = nil
        let result = F.analyze(
            Self.rated(cell, .fourG, download: [9000, 9000, 9000], upload: [2000, 2000, 2000]), settings: settings)
        #expect(result.cells.allSatisfy { $0.speed[.fourG] == nil })
        #expect(result.province.speed[.fourG] == nil)
    }

    @Test func speedCoveredAreaIsAreaWeighted() throws {
        let meets = F.westCentre
        let ring = H3.gridDisk(meets, k: 1).filter { $0 != meets }
        let below = ring[0]
        let tooFew = ring[1]
        let reports =
            Self.rated(meets, .fourG, download: [8000, 8000, 8000], upload: [2000, 2000, 2000])
            + Self.rated(below, .fourG, download: [3000, 3000, 3000], upload: [2000, 2000, 2000])
            + Self.rated(tooFew, .fourG, download: [8000], upload: [2000])
        let result = F.analyze(reports)
        let west = try #require(result.communes.first { $0.code == F.west.code })
        let covered = H3.cellAreaKm2(meets) / west.areaKm2
        let judged = (H3.cellAreaKm2(meets) + H3.cellAreaKm2(below)) / west.areaKm2
        #expect(abs((west.speed[.fourG]?.coveredRatio ?? -1) - covered) < 1e-12)
        #expect(abs((west.speed[.fourG]?.judgedRatio ?? -1) - judged) < 1e-12)
        #expect(west.speed[.fiveG]?.coveredRatio == 0)
        let east = try #require(result.communes.first { $0.code == F.east.code })
        #expect(east.speed[.fourG]?.judgedRatio == 0)
        let province = H3.cellAreaKm2(meets) / result.province.areaKm2
        #expect(abs((result.province.speed[.fourG]?.coveredRatio ?? -1) - province) < 1e-12)
        // Signal coverage is its own figure: the two cells with three reports are covered by 4G signal, whatever
        // their speed.
        #expect(abs((west.coverage[.fourG] ?? -1) - judged) < 1e-12)
    }

    @Test func speedKeysInTheReportAndTheLayers() throws {
        let cell = F.westCentre
        let result = F.analyze(Self.rated(cell, .fourG, download: [8000, 8000, 8000], upload: [2000, 2000, 2000]))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.reportJSON.text.utf8)) as? [String: Any])
        let province = try #require(object["province"] as? [String: Any])
        let speed = try #require(province["speed"] as? [String: [String: Any]])
        #expect(Set(speed.keys) == ["4G", "5G"])
        #expect(speed["4G"]?["download_mbps"] as? Double == 5 && speed["4G"]?["upload_mbps"] as? Double == 1)
        #expect(speed["5G"]?["download_mbps"] as? Double == 7)
        #expect((speed["4G"]?["covered_ratio"] as? Double ?? 0) > 0)
        let communes = try #require(object["communes"] as? [[String: Any]])
        let westSpeed = try #require(communes[0]["speed"] as? [String: [String: Any]])
        #expect(Set(westSpeed["4G"]?.keys ?? [:].keys) == ["covered_ratio", "judged_ratio"])
        // Signal coverage stays under `coverage`, speed never mixes into it.
        #expect(Set((communes[0]["coverage"] as? [String: Any])?.keys ?? [:].keys) == ["3G", "4G", "5G"])

        let cells = try Self.layer(.cells, result)
        let properties = try #require(
            cells.first { $0["h3"] as? String == cell.description })
        #expect(properties["speed_state_4g"] as? String == "meets")
        #expect(properties["speed_dl_mbps_4g"] as? Double == 8)
        #expect(properties["speed_ul_mbps_4g"] as? Double == 2)
        #expect(properties["speed_dl_samples_4g"] as? Int == 3)
        #expect(properties["speed_state_5g"] as? String == "no_samples")
        #expect(properties["speed_dl_mbps_5g"] is NSNull)
        #expect(properties["state_4g"] as? String == "covered")
        let communeLayer = try Self.layer(.communes, result)
        let west = try #require(communeLayer.first { $0["code"] as? String == F.west.code })
        #expect((west["speed_ratio_4g"] as? Double ?? 0) > 0)
        #expect(west["speed_judged_ratio_5g"] as? Double == 0)
        #expect(west["status"] as? String == "not_measured_enough")
        let measured = try #require(west["measured_ratio"] as? Double)
        #expect(abs((west["unmeasured_ratio"] as? Double ?? -1) - (1 - measured)) < 2e-6)
    }

    /// The properties of every feature of a layer.
    static func layer(_ layer: CoverageLayer, _ result: CoverageResult) throws -> [[String: Any]] {
        let sink = MemoryByteSink()
        let writer = GeoJSONWriter(sink: sink, name: layer.rawValue)
        try result.write(layer, boundaries: [F.west, F.east], to: writer)
        try writer.finish()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(sink.text.utf8)) as? [String: Any])
        let features = try #require(root["features"] as? [[String: Any]])
        return features.compactMap { $0["properties"] as? [String: Any] }
    }
}
