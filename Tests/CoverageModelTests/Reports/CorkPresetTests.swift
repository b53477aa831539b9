import NetmonProtocol
import TestSupport
import Testing

@testable import CoverageModel

/// The real Cork drive-test export through the `cork-5g` preset. Expected figures were computed once,
/// independently, with Python's csv module applying the preset's rules (see the commit message).
@Suite struct CorkPresetTests {
    @Test(.enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func importsEveryRowWithTheExpectedTechnologies() throws {
        let reader = try makeReportReader(path: TestData.corkCSV, mapping: .cork5G)
        var valid: [Technology: [SignalMetric: Int]] = [:]
        var first: SignalReport?
        var fiveGWithNR = 0
        var nonFiveGWithNR = 0
        while let report = try reader.next() {
            if first == nil { first = report }
            for metric in SignalMetric.allCases where report[metric] != nil {
                valid[report.technology, default: [:]][metric, default: 0] += 1
            }
            if report.technology == .fiveG && report.nrSsRsrpDbm != nil { fiveGWithNR += 1 }
            if report.technology != .fiveG && (report.nrSsRsrpDbm != nil || report.nrSsRsrqDb != nil) {
                nonFiveGWithNR += 1
            }
        }
        let summary = reader.summary
        #expect(summary.rowsRead == 27_591)
        #expect(summary.rejectedCount == 0)
        #expect(summary.accepted == [.fiveG: 13_959, .fourG: 9_204, .threeG: 4_428])
        // 3G rows carry RSCP / Ec/Io in the LTE columns.
        #expect(valid[.threeG]?[.rscpDbm] == 4_428)
        #expect(valid[.threeG]?[.ecioDb] == 1_180)
        #expect(valid[.threeG]?[.rsrpDbm] == nil)
        // LTE rows and the LTE anchor of 5G rows.
        #expect(valid[.fourG]?[.rsrpDbm] == 9_201)
        #expect(valid[.fourG]?[.rsrqDb] == 9_200)
        #expect(valid[.fiveG]?[.rsrpDbm] == 13_959)
        #expect(valid[.fiveG]?[.rsrqDb] == 13_809)
        // NR values only on 5G rows.
        #expect(fiveGWithNR == 13_520)
        #expect(valid[.fiveG]?[.nrSsRsrqDb] == 12_543)
        #expect(nonFiveGWithNR == 0)
        // Sentinels and out-of-range values.
        #expect(summary.sentinelValues == [.rsrpDbm: 3])
        #expect(summary.droppedOutOfRange == [.nrSsRsrqDb: 975, .sinrDb: 3])
        // Irish local time in December is UTC: 2019-12-14T10:16:30Z.
        #expect(first?.time == 1_576_318_590)
        #expect(first?.lat == 51.935604)
        #expect(first?.lon == -8.388186)
        #expect(first?.operatorCode == nil)
    }

    @Test func unknownPresetIsAClearError() {
        #expect(throws: ReportReadError.self) { try ColumnMapping.preset(named: "nope") }
        #expect((try? ColumnMapping.preset(named: "cork-5g")) == .cork5G)
    }
}
