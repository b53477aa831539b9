import ArgumentParser
import CoverageModel
import Foundation

extension Netmon.Coverage {
    /// `netmon coverage export`: one GeoJSON layer.
    struct CoverageExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write communes, dead zones or cells as an RFC 7946 GeoJSON layer.",
            discussion: """
                Output: [lon, lat], counter-clockwise exteriors, clockwise holes, closed rings, 6 decimals, a bbox, \
                no NaN. The file is written to a temporary name and renamed when complete.
                """
        )

        @OptionGroup var input: CoverageInputOptions

        @Option(name: .long, help: "The layer to write: communes, dead-zones or cells.")
        var layer: String

        @Option(name: .shortAndLong, help: "The GeoJSON file to write.")
        var output: String

        @Option(
            name: .customLong("operator"),
            help: "Write the layer as one operator (MCC-MNC code, e.g. 452-04) sees it: its figures and its cells.")
        var operatorCode: String?

        func validate() throws {
            if CoverageLayer(rawValue: self.layer) == nil {
                throw ValidationError("Unknown layer '\(self.layer)'; use communes, dead-zones or cells.")
            }
        }

        func run() async throws {
            let layer = CoverageLayer(rawValue: self.layer)!
            let loaded = try CoveragePipeline.load(configPath: self.input.config)
            let (accumulator, _) = try CoveragePipeline.accumulate(self.input, settings: loaded.settings)
            let result = CoverageAnalysis.analyze(accumulator, communes: loaded.boundaries)
            if let code = self.operatorCode, !result.province.operators.contains(where: { $0.code == code }) {
                let known = result.province.operators.map(\.code).joined(separator: ", ")
                CoveragePipeline.fail(
                    "--operator \(code): no report of that operator (operators in the reports: \(known))", code: 1)
            }
            do {
                let sink = try AtomicFileSink(path: self.output)
                let writer = GeoJSONWriter(sink: sink, name: layer.rawValue)
                if let code = self.operatorCode {
                    try result.write(layer, forOperator: code, boundaries: loaded.boundaries, to: writer)
                } else {
                    try result.write(layer, boundaries: loaded.boundaries, to: writer)
                }
                try writer.finish()
                try sink.commit()
                var standardError = CoverageStderr()
                print("wrote \(writer.count) \(layer.rawValue) features to \(self.output)", to: &standardError)
            } catch {
                CoveragePipeline.fail("\(error)", code: 1)
            }
        }
    }
}
