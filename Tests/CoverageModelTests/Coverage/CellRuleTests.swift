import Testing

@testable import CoverageModel

/// The per-cell rules, one situation each.
@Suite struct CellRuleTests {
    typealias F = CoverageFixtures

    private func cell(_ result: CoverageResult, _ cell: H3Index) throws -> CellCoverage {
        try #require(result.cells.first { $0.cell == cell })
    }

    @Test func evenMedianIsTheMeanOfTheMiddleTwo() throws {
        let c = F.westCentre
        // Median of four: (−116 + −114) / 2 = −115 = the 4G floor exactly → covered.
        var result = F.analyze(F.reports(c, .fourG, [.rsrpDbm: [-120, -116, -114, -100]]))
        var figures = try #require(try self.cell(result, c).technologies[.fourG])
        #expect(figures.median == -115)
        #expect(figures.samples == 4)
        #expect(figures.state == .covered)
        // (−117 + −114) / 2 = −115.5 → below the floor.
        result = F.analyze(F.reports(c, .fourG, [.rsrpDbm: [-120, -117, -114, -100]]))
        figures = try #require(try self.cell(result, c).technologies[.fourG])
        #expect(figures.median == -115.5)
        #expect(figures.state == .belowFloor)
        #expect(try self.cell(result, c).isDead)
    }

    @Test func floorsExactlyMetCoverAndJustBelowDoNot() throws {
        let a = F.westCentre
        let b = F.eastCentre
        let result = F.analyze(
            F.reports(a, .threeG, [.rscpDbm: [-110, -110, -110]])
                + F.reports(b, .fiveG, [.nrSsRsrpDbm: [-110.5, -110.5, -110.5], .rsrpDbm: [-130, -130, -130]]))
        #expect(try self.cell(result, a).technologies[.threeG]?.state == .covered)
        let east = try self.cell(result, b)
        #expect(east.technologies[.fiveG]?.state == .belowFloor)
        #expect(east.technologies[.fourG]?.state == .belowFloor)
        #expect(east.isDead)
    }

    @Test func minSamplesDecidesJudgedAndMeasured() throws {
        let c = F.westCentre
        // Two strong values: too few to judge, and two rows do not make the cell measured, so not dead.
        var result = F.analyze(F.reports(c, .fourG, [.rsrpDbm: [-80, -80]]))
        var cell = try self.cell(result, c)
        #expect(cell.technologies[.fourG]?.state == .tooFewSamples)
        #expect(!cell.isMeasured)
        #expect(!cell.isDead)
        // A third row without any value makes it measured: measured, covered by nothing → dead.
        result = F.analyze(F.reports(c, .fourG, [.rsrpDbm: [-80, -80]]) + F.reports(c, .noService, rows: 1))
        cell = try self.cell(result, c)
        #expect(cell.isMeasured)
        #expect(cell.isDead)
        // min_samples = 2 makes the same two values enough.
        var settings = F.settings
        settings.minSamples = 2
        result = F.analyze(F.reports(c, .fourG, [.rsrpDbm: [-80, -80]]), settings: settings)
        #expect(try self.cell(result, c).isCovered(by: .fourG))
    }

    @Test func fiveGNSARowsCountFor4GThroughTheirAnchor() throws {
        let c = F.westCentre
        let result = F.analyze(
            F.reports(c, .fiveG, [.rsrpDbm: [-100, -101, -102], .nrSsRsrpDbm: [-120, -121, -119]]))
        let cell = try self.cell(result, c)
        #expect(cell.technologies[.fourG]?.state == .covered)
        #expect(cell.technologies[.fourG]?.samples == 3)
        #expect(cell.technologies[.fiveG]?.state == .belowFloor)
        #expect(cell.technologies[.fiveG]?.median == -120)
        #expect(!cell.isDead)
        // LTE rows never count for 5G, 3G rows never for 4G.
        let other = F.analyze(
            F.reports(c, .fourG, [.rsrpDbm: [-90, -90, -90], .nrSsRsrpDbm: [-80, -80, -80]])
                + F.reports(c, .threeG, [.rsrpDbm: [-70, -70, -70]]))
        let cell2 = try self.cell(other, c)
        #expect(cell2.technologies[.fiveG]?.state == .noSamples)
        #expect(cell2.technologies[.fourG]?.samples == 3)
        #expect(cell2.technologies[.threeG]?.state == .noSamples)
    }

    @Test func unmeasuredCellsAreNeverDeadAndNoServiceRowsMakeDeadCells() throws {
        let c = F.westCentre
        let result = F.analyze(
            F.reports(c, .noService, rows: 3) + F.reports(F.eastCentre, .twoG, [.rssiDbm: [-70, -70, -70]]))
        #expect(try self.cell(result, c).isDead)
        #expect(try self.cell(result, F.eastCentre).isDead)  // 2G is not judged: covered by nothing
        #expect(result.cells.filter(\.isDead).count == 2)
        #expect(result.cells.filter { !$0.isMeasured }.allSatisfy { !$0.isDead })
        #expect(result.cells.count > 40)
    }

    @Test func operatorsThatMissACellMakeAPartialNotSpot() throws {
        let c = F.westCentre
        let result = F.analyze(
            F.reports(c, .fourG, operatorCode: "452-04", [.rsrpDbm: [-90, -91, -92]])
                + F.reports(c, .fourG, operatorCode: "452-01", [.rsrpDbm: [-125, -126, -127]])
                + F.reports(c, .threeG, operatorCode: "452-02", [.rscpDbm: [-100, -100]]))
        let cell = try self.cell(result, c)
        #expect(cell.operatorsCovering == ["452-04"])
        #expect(cell.operatorsNotCovering == ["452-01"])  // 452-02 has too few rows to judge
        #expect(cell.isPartialNotSpot)
        // All values together: median of six 4G values = (−125 + −92) / 2 = −108.5 → covered.
        #expect(cell.technologies[.fourG]?.median == -108.5)
        #expect(!cell.isDead)
        #expect(result.province.partialNotSpots == 1)
    }
}
