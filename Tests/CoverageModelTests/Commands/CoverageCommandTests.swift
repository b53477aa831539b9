import Foundation
import TestSupport
import Testing

@testable import CoverageModel

/// Whether the netmon executable the command tests run exists.
enum NetmonExecutable {
    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: NetmonBinary.path) }
}

/// `netmon coverage simulate | report | export` as a user runs them: the built binary with the project's
/// sites.yaml, checked against CoverageModel computing the same input in-process, and GDAL reading the output.
@Suite(
    "netmon coverage (the commands)", .serialized,
    .enabled(if: NetmonExecutable.isBuilt, "needs the netmon executable (swift build --build-tests builds it)"))
struct CoverageCommandTests {

    /// The project's sites.yaml with its boundaries path made absolute, in a folder of its own, and a small
    /// simulated drive test written by the command (once for the suite).
    struct Fixture: Sendable {
        var directory: String
        var config: String
        var reports: String
        var rows: Int
        var seed: UInt64
    }

    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/"
            && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
        {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static let fixture: Fixture = {
        // The folder is named after this process; folders of test processes that are gone are removed first.
        let temporary = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        where name.hasPrefix("netmon-coverage-cli-") {
            if let pid = Int32(name.split(separator: "-")[3]), pid != getpid(), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(atPath: temporary + "/" + name)
            }
        }
        let directory = temporary + "/netmon-coverage-cli-\(getpid())-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let original = try! String(contentsOf: Self.packageRoot.appendingPathComponent("sites.yaml"), encoding: .utf8)
        let config = original.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("boundaries:") else { return String(line) }
            let indent = String(line.prefix(line.count - trimmed.count))
            return indent + "boundaries: " + TestData.communesGeoJSON
        }.joined(separator: "\n")
        let configPath = directory + "/sites.yaml"
        try! config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let fixture = Fixture(
            directory: directory, config: configPath, reports: directory + "/drive.csv", rows: 20_000, seed: 7)
        _ = try? Self.netmon([
            "coverage", "simulate", "--config", configPath, "--rows", "\(fixture.rows)", "--seed", "\(fixture.seed)",
            "-o", fixture.reports,
        ])
        return fixture
    }()

    static func netmon(_ arguments: [String]) throws -> CommandOutput {
        try Shell.run([NetmonBinary.path] + arguments, check: false)
    }

    /// What CoverageModel computes for the fixture, in-process, with sites.yaml's settings (the defaults).
    static let expected: (communes: [CommuneBoundary], result: CoverageResult) = {
        let communes = try! CommuneBoundaryReader.read(path: TestData.communesGeoJSON)
        var accumulator = CoverageAccumulator(settings: CoverageSettings())
        let reader = try! makeReportReader(path: Self.fixture.reports)
        while let report = try! reader.next() { accumulator.add(report) }
        return (communes, CoverageAnalysis.analyze(accumulator, communes: communes))
    }()

    @Test("simulate: exit 0, the requested rows, deterministic, the same bytes as DriveTestSimulator")
    func simulate() throws {
        let f = Self.fixture
        let written = try Data(contentsOf: URL(fileURLWithPath: f.reports))
        let lines = written.split(separator: 10)
        #expect(lines.count == f.rows + 1, "header + rows")
        #expect(String(decoding: lines[0], as: UTF8.self) == CanonicalCSVWriter.header.joined(separator: ","))

        // The same seed again gives the same file; CoverageModel's simulator gives the same bytes.
        let again = f.directory + "/again.csv"
        let run = try Self.netmon([
            "coverage", "simulate", "--config", f.config, "--rows", "\(f.rows)", "--seed", "\(f.seed)", "-o", again,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == written)
        let sink = MemoryByteSink()
        let writer = CanonicalCSVWriter(sink: sink)
        try DriveTestSimulator(communes: Self.expected.communes, seed: f.seed).run(rows: f.rows) {
            try writer.write($0)
        }
        try writer.finish()
        #expect(Data(sink.bytes) == written)

        // Another seed, another file.
        let other = f.directory + "/other.csv"
        _ = try Self.netmon([
            "coverage", "simulate", "--config", f.config, "--rows", "\(f.rows)", "--seed", "8", "-o", other,
        ])
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) != written)
    }

    @Test("report --json: exit 0 and exactly CoverageModel's figures; the table names every commune and target")
    func report() throws {
        let f = Self.fixture
        let run = try Self.netmon(["coverage", "report", "--config", f.config, f.reports, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        var bytes: [UInt8] = []
        Self.expected.result.reportJSON.write(to: &bytes)
        #expect(run.stdout == String(decoding: bytes, as: UTF8.self) + "\n")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let communes = try #require(document["communes"] as? [[String: Any]])
        #expect(communes.count == 104)
        let province = try #require(document["province"] as? [String: Any])
        let coverage = try #require(province["coverage"] as? [String: Double])
        #expect(abs(coverage["4G"]! - Self.expected.result.province.coverage[.fourG]!) < 1e-6)
        #expect(coverage.values.allSatisfy { (0...1).contains($0) })
        #expect(run.stderr.contains("read \(f.rows) rows: \(f.rows) accepted"), "\(run.stderr)")
        // One reading thread or several: the same output, the same summary.
        for threads in ["0", "1", "3"] {
            let other = try Self.netmon([
                "coverage", "report", "--config", f.config, f.reports, "--json", "--threads", threads,
            ])
            #expect(other.status == 0, "\(other.stderr)")
            #expect(other.stdout == run.stdout, "--threads \(threads)")
            #expect(other.stderr == run.stderr, "--threads \(threads)")
        }

        let table = try Self.netmon(["coverage", "report", "--config", f.config, f.reports])
        #expect(table.status == 0)
        for commune in Self.expected.result.communes.prefix(20) { #expect(table.stdout.contains(commune.code)) }
        #expect(table.stdout.contains("target 5g_area_ratio") || table.stdout.contains("target"))
        // Speed and measurement lines, apart from the signal targets; the simulated rows carry rates.
        let speed = Self.expected.result.province.speed[.fourG]?.coveredRatio ?? 0
        #expect(speed > 0)
        #expect(
            table.stdout.contains(
                "speed 4G (median download ≥ 5 and upload ≥ 1 Mbit/s over ≥ 3 rate reports): "
                    + String(format: "%.1f%%", speed * 100) + " of the area meets it"), "\(table.stdout)")
        let notMeasured = Self.expected.result.communes(.notMeasuredEnough).count
        #expect(table.stdout.contains("\(notMeasured) not measured enough (< 30% of their area measured)"))
    }

    @Test(
        "export: every layer exits 0, GDAL reads it, and it is byte for byte CoverageModel's layer",
        .enabled(if: ExternalTools.hasOgrinfo, "needs GDAL's ogrinfo"), arguments: CoverageLayer.allCases)
    func export(_ layer: CoverageLayer) throws {
        let f = Self.fixture
        let path = f.directory + "/\(layer.rawValue).geojson"
        let run = try Self.netmon([
            "coverage", "export", "--config", f.config, f.reports, "--layer", layer.rawValue, "-o", path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let (communes, result) = Self.expected
        let sink = MemoryByteSink()
        let writer = GeoJSONWriter(sink: sink, name: layer.rawValue)
        try result.write(layer, boundaries: communes, to: writer)
        try writer.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(sink.bytes))
        #expect(try ExternalTools.ogrFeatureCount(path) == writer.count)
        switch layer {
        case .communes: #expect(writer.count == 104)
        case .cells: #expect(writer.count == result.cells.count)
        case .deadZones: #expect(writer.count == result.deadZones.count)
        }
        #expect(run.stderr.contains("wrote \(writer.count) \(layer.rawValue) features"))
    }

    @Test("bad input: a bad row is reported as file:row and skipped, or stops the run with --strict")
    func badRows() throws {
        let f = Self.fixture
        let header = CanonicalCSVWriter.header.joined(separator: ",")
        let columns = CanonicalCSVWriter.header.count
        func row(_ values: [String: String]) -> String {
            CanonicalCSVWriter.header.map { values[$0] ?? "" }.joined(separator: ",")
        }
        let good = row(["lat": "20.65", "lon": "106.05", "technology": "4G", "operator": "452-04", "rsrp_dbm": "-90"])
        let badNumber = row(["lat": "20.65", "lon": "east", "technology": "4G", "rsrp_dbm": "-90"])
        let path = f.directory + "/bad.csv"
        try
            ([header, good, good, badNumber, good, String(repeating: ",", count: columns - 3)].joined(separator: "\n")
            + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)

        let lenient = try Self.netmon(["coverage", "report", "--config", f.config, path, "--json"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("\(path):4: lon is not a number"), "\(lenient.stderr)")
        #expect(lenient.stderr.contains("\(path):6:"), "the short row is rejected too: \(lenient.stderr)")
        #expect(lenient.stderr.contains("read 5 rows: 3 accepted"), "\(lenient.stderr)")

        let strict = try Self.netmon(["coverage", "report", "--config", f.config, path, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("\(path):4: lon is not a number"), "\(strict.stderr)")
        #expect(strict.stdout.isEmpty, "nothing is printed after a strict failure")

        let output = f.directory + "/never.geojson"
        let export = try Self.netmon([
            "coverage", "export", "--config", f.config, path, "--strict", "--layer", "cells", "-o", output,
        ])
        #expect(export.status == 1)
        #expect(!FileManager.default.fileExists(atPath: output), "no half-written output")
    }

    @Test(
        "bad files and arguments: missing reports exit 1, a bad header names file:1, bad config exits 2, usage errors 64"
    )
    func badFilesAndArguments() throws {
        let f = Self.fixture
        let missing = try Self.netmon(["coverage", "report", "--config", f.config, f.directory + "/nope.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(f.directory + "/nope.csv"), "\(missing.stderr)")

        let headerless = f.directory + "/header.csv"
        try "time,latitude,longitude\n1,2,3\n".write(toFile: headerless, atomically: true, encoding: .utf8)
        let badHeader = try Self.netmon(["coverage", "report", "--config", f.config, headerless])
        #expect(badHeader.status == 1)
        #expect(badHeader.stderr.contains("\(headerless):1:"), "\(badHeader.stderr)")

        let brokenConfig = f.directory + "/broken.yaml"
        try "version: 1\nprovince: [\n".write(toFile: brokenConfig, atomically: true, encoding: .utf8)
        let config = try Self.netmon(["coverage", "report", "--config", brokenConfig, f.reports])
        #expect(config.status == 2, "\(config.stderr)")
        #expect(config.stderr.contains(brokenConfig))

        let layer = try Self.netmon([
            "coverage", "export", "--config", f.config, f.reports, "--layer", "roads", "-o", f.directory + "/x.geojson",
        ])
        #expect(layer.status == 64)
        #expect(layer.stderr.contains("Unknown layer 'roads'"))
        let rows = try Self.netmon([
            "coverage", "simulate", "--config", f.config, "--rows", "-5", "-o", f.directory + "/x.csv",
        ])
        #expect(rows.status == 64)
    }
}
