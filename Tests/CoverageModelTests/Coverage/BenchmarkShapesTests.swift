import Foundation
import TestSupport
import Testing

@testable import CoverageModel

/// The coverage benchmark's input shapes (`bench/coverage/shapes.py`: rows outside the province, operators
/// alternating row by row, shuffled rows, the Cork export's columns) give the figures of the pandas + h3
/// reference (`bench/coverage/pandas_h3.py`), as `bench/coverage/compare.py` judges them, read on one thread and
/// on several.
@Suite struct BenchmarkShapesTests {
    static let hasPandasAndH3 =
        (try? ExternalTools.run("python3", ["-c", "import numpy, pandas, h3; assert h3.__version__.startswith('4.')"]))?
        .status == 0

    static func bench(_ file: String) -> String {
        RepositoryData.root.appendingPathComponent("bench/coverage/\(file)").path
    }

    @Test(
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        .enabled(if: Self.hasPandasAndH3, "needs python3 with numpy, pandas and h3 4.x (the benchmark's reference)"),
        arguments: ["outside", "operators", "unsorted", "cork"])
    func shapeGivesTheReferenceFigures(shape: String) throws {
        let csv = TestData.temporaryPath("-\(shape).csv")
        let ours = TestData.temporaryPath("-\(shape)-netmon.json")
        let reference = TestData.temporaryPath("-\(shape)-pandas.json")
        defer {
            for path in [csv, ours, reference] { try? FileManager.default.removeItem(atPath: path) }
        }
        let made = try ExternalTools.run(
            "python3", [Self.bench("shapes.py"), shape, "30000", "7", TestData.communesGeoJSON, TestData.corkCSV, csv])
        try #require(made.status == 0, "shapes.py: \(made.stderr)")

        let preset = shape == "cork" ? "cork-5g" : "canonical"
        let communes = try CommuneBoundaryReader.read(path: TestData.communesGeoJSON)
        var outputs: [[UInt8]] = []
        for workers in [0, 2] {
            var accumulator = CoverageAccumulator(settings: CoverageSettings())
            let summary = try CSVCoverageIngest.accumulate(
                source: try FileByteSource(path: csv), mapping: try ColumnMapping.preset(named: preset),
                workers: workers, into: &accumulator, chunkSize: 64 << 10)
            #expect(summary.rowsRead == 30_000, "\(shape), \(workers) workers")
            #expect(summary.rejections.isEmpty, "\(shape): \(summary.rejections.prefix(3))")
            var bytes: [UInt8] = []
            CoverageAnalysis.analyze(accumulator, communes: communes).reportJSON.write(to: &bytes)
            outputs.append(bytes)
        }
        #expect(outputs[0] == outputs[1], "\(shape): one thread and two threads differ")
        try Data(outputs[0]).write(to: URL(fileURLWithPath: ours))

        let pandas = try ExternalTools.run(
            "sh",
            [
                "-c", "python3 \"$0\" \"$1\" \"$2\" \"$3\" > \"$4\"", Self.bench("pandas_h3.py"), csv,
                TestData.communesGeoJSON, preset, reference,
            ])
        try #require(pandas.status == 0, "pandas_h3.py: \(pandas.stderr)")
        let compared = try ExternalTools.run("python3", [Self.bench("compare.py"), ours, reference])
        #expect(compared.status == 0, "\(shape): \(compared.stdout) \(compared.stderr)")
        // Every commune was compared.
        #expect(compared.stdout.contains("communes: 104;"), "\(compared.stdout)")
    }
}
