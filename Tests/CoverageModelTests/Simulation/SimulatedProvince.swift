@testable import CoverageModel

/// One simulated province shared by the suites that need realistic data (computed once per test run).
enum SimulatedProvince {
    static let communes = try! CommuneBoundaryReader.read(path: TestData.communesGeoJSON)

    struct Data: Sendable {
        var sites: [DriveTestSimulator.Site]
        var holes: [DriveTestSimulator.Circle]
        var result: CoverageResult
    }

    static let data: Data = {
        let simulator = DriveTestSimulator(communes: communes, seed: 7)
        var accumulator = CoverageAccumulator(settings: CoverageSettings())
        simulator.run(rows: 60_000) { accumulator.add($0) }
        return Data(
            sites: simulator.sites, holes: simulator.holes,
            result: CoverageAnalysis.analyze(accumulator, communes: communes))
    }()

    static var result: CoverageResult { data.result }
}
