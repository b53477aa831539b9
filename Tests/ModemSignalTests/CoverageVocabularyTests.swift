import CoverageModel
import Foundation
import ModemSignal
import NetmonProtocol
import Testing

/// A reading becomes a signal report by its names alone: its metric keys are the canonical report format's, and
/// its technology's coverage spelling is one that CoverageModel reads.
@Suite struct CoverageVocabularyTests {
    @Test func metricNamesAreCanonicalReportFields() throws {
        let reading = ModemSignalReading(
            time: Fixture.time, source: .qmicli, technology: .fiveGNonStandalone, operatorCode: "452-04",
            rsrpDbm: -90, rsrqDb: -10, sinrDb: 12, nrSsRsrpDbm: -95, nrSsRsrqDb: -11, nrSsSinrDb: 8, rscpDbm: -80,
            ecioDb: -6, rssiDbm: -60)
        #expect(reading.metrics.count == SignalMetric.allCases.count)
        #expect(reading.metrics.map(\.metric) == SignalMetric.allCases)
        let object = try #require(
            try JSONSerialization.jsonObject(with: WireCoding.makeEncoder().encode(reading)) as? [String: Any])
        for metric in SignalMetric.allCases { #expect(object[metric.rawValue] as? Double != nil, "\(metric)") }
        #expect(object[ReportField.operatorCode.rawValue] as? String == "452-04")
        #expect(object[ReportField.time.rawValue] as? String == "2026-11-30T00:53:20Z")
    }

    @Test(arguments: RadioAccess.allCases) func technologyMapsToCoverage(access: RadioAccess) throws {
        let technology = access.coverageTechnology
        #expect(Technology(canonical: technology.rawValue) == technology)
        switch access {
        case .fiveGNonStandalone, .fiveGStandalone: #expect(technology == .fiveG)
        case .fourG: #expect(technology == .fourG)
        case .threeG: #expect(technology == .threeG)
        case .twoG: #expect(technology == .twoG)
        case .noService: #expect(technology == .noService)
        }
    }

    /// The recorded samples give values inside the 3GPP ranges the coverage import accepts.
    @Test func sampleValuesAreInsideValidRanges() throws {
        let readings = [
            try QuectelServingCellParser.parse(
                try Fixture.text("quectel-endc.txt"), time: Fixture.time, lteSINR: .decibels),
            try QuectelServingCellParser.parse(try Fixture.text("quectel-nr5g-sa-tmobile.txt"), time: Fixture.time),
            try QuectelServingCellParser.parse(try Fixture.text("quectel-wcdma.txt"), time: Fixture.time),
            try QMICLISignalParser.parse(signal: try Fixture.text("qmicli-signal-lte.txt"), time: Fixture.time),
        ]
        for reading in readings {
            for (metric, value) in reading.metrics {
                #expect(metric.validRange.contains(value), "\(metric) \(value)")
            }
        }
    }
}
