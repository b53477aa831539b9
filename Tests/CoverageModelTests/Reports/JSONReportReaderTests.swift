import Testing

@testable import CoverageModel

@Suite struct JSONReportReaderTests {
    @Test func jsonLinesObjectsAndFeaturesWithRejections() throws {
        let text = """
            {"time":"2026-01-05T08:30:00+07:00","lat":20.6,"lon":106.1,"technology":"4G","operator":"452-04","rsrp_dbm":-95}
            {"time":1767571200,"lat":"20.7","lon":106.2,"technology":"5G","rsrp_dbm":-99,"nr_ss_rsrp_dbm":-160}

            {"lat":20.6,"lon":106.1,"technology":"4G",
            {"type":"Feature","geometry":{"type":"Point","coordinates":[106.3,20.8]},"properties":{"technology":"3G","rscp_dbm":-101}}
            {"lat":20.6,"technology":"4G"}
            """
        let reader = JSONLinesReportReader(source: MemoryByteSource(text, name: "r.jsonl", chunkSize: 5))
        var reports: [SignalReport] = []
        while let r = try reader.next() { reports.append(r) }
        #expect(reports.count == 3)
        #expect(reports[0].time == 1_767_576_600)
        #expect(reports[0].operatorCode == "452-04")
        #expect(reports[1].lat == 20.7)
        #expect(reports[1].nrSsRsrpDbm == nil)
        #expect(reports[2] == SignalReport(lat: 20.8, lon: 106.3, technology: .threeG, rscpDbm: -101))
        #expect(reader.summary.droppedOutOfRange == [.nrSsRsrpDbm: 1])
        #expect(reader.summary.rejections.map(\.row) == [4, 6])
        #expect(reader.summary.rejections[1].reason == "lon is missing")
    }

    @Test func geoJSONPointsStreamFeatureByFeature() throws {
        let text = """
            {"type":"FeatureCollection","name":"a [tricky] {name}","bbox":[106,20,107,21],"features":[
              {"type":"Feature","properties":{"technology":"5G","nr_ss_rsrp_dbm":-80,"device":"x\\"}{["},"geometry":{"type":"Point","coordinates":[106.5,20.5]}},
              {"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6,20.4,3.0]},"properties":{"technology":"none","operator":"452-02"}}
            ],"extra":{"features":[1]}}
            """
        let reader = GeoJSONPointReportReader(source: MemoryByteSource(text, chunkSize: 11))
        var reports: [SignalReport] = []
        while let r = try reader.next() { reports.append(r) }
        #expect(
            reports == [
                SignalReport(lat: 20.5, lon: 106.5, technology: .fiveG, nrSsRsrpDbm: -80, device: "x\"}{["),
                SignalReport(lat: 20.4, lon: 106.6, technology: .noService, operatorCode: "452-02"),
            ])
        #expect(reader.summary.rejections.map(\.row) == [2])
        #expect(reader.bytesConsumed == Int64(text.utf8.count))
    }

    @Test func truncatedGeoJSONIsAnError() {
        let reader = GeoJSONPointReportReader(source: MemoryByteSource(#"{"type":"FeatureCollection","features":["#))
        #expect(throws: ReportReadError.self) { while try reader.next() != nil {} }
    }
}
