// Stand-alone driver for the benchmark when the full `netmon` release build is not at hand: compiled together
// with Sources/CoverageModel (swiftc -O -wmo), it runs exactly the pipeline of `netmon coverage report --json`
// (read boundaries, stream the CSV, accumulate, analyze, print the JSON) with sites.yaml's default settings,
// and `netmon coverage simulate`'s generator.
//   coverage-driver report REPORTS.csv BOUNDARIES.geojson [THREADS [PRESET]]
//     (THREADS as `--threads`, 0 for none; default or -1: one per core; PRESET as `--preset`, default canonical)
//   coverage-driver simulate ROWS SEED BOUNDARIES.geojson OUT.csv
import Foundation

let arguments = CommandLine.arguments
if (4...6).contains(arguments.count) && arguments[1] == "report" {
    let communes = try CommuneBoundaryReader.read(path: arguments[3])
    var accumulator = CoverageAccumulator(settings: CoverageSettings())
    let threads = arguments.count >= 5 ? Int(arguments[4]) ?? -1 : -1
    let workers = threads < 0 ? CSVCoverageIngest.defaultWorkers : threads
    let mapping = try ColumnMapping.preset(named: arguments.count == 6 ? arguments[5] : "canonical")
    _ = try CSVCoverageIngest.accumulate(
        source: try FileByteSource(path: arguments[2]), mapping: mapping, workers: workers, into: &accumulator)
    let result = CoverageAnalysis.analyze(accumulator, communes: communes)
    var bytes: [UInt8] = []
    result.reportJSON.write(to: &bytes)
    bytes.append(10)
    FileHandle.standardOutput.write(Data(bytes))
} else if arguments.count == 6 && arguments[1] == "simulate", let rows = Int(arguments[2]),
    let seed = UInt64(arguments[3])
{
    let communes = try CommuneBoundaryReader.read(path: arguments[4])
    let sink = try AtomicFileSink(path: arguments[5])
    let writer = CanonicalCSVWriter(sink: sink)
    try DriveTestSimulator(communes: communes, seed: seed).run(rows: rows) { try writer.write($0) }
    try writer.finish()
    try sink.commit()
} else {
    FileHandle.standardError.write(
        Data("usage: coverage-driver report CSV GEOJSON [THREADS [PRESET]] | simulate ROWS SEED GEOJSON OUT\n".utf8))
    exit(2)
}
