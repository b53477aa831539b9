import Foundation
import NetmonProtocol
import TestSupport
import Testing

@testable import CoverageModel

/// `netmon coverage report` over raw G-NetTrack logs: several files and a folder in one command.
@Suite(
    "netmon coverage report over raw G-NetTrack logs", .serialized,
    .enabled(if: NetmonExecutable.isBuilt, "needs the netmon executable (swift build --build-tests builds it)"),
    .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
struct GNetTrackCommandTests {
    /// A folder with the two raw logs, the hand-written edge rows as a `.txt` log and a file that is not a log.
    static func folder() throws -> String {
        let folder = TestData.temporaryPath("-gnettrack")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for source in [GNetTrackPresetTests.drive, GNetTrackPresetTests.parked] {
            try FileManager.default.copyItem(
                atPath: source, toPath: folder + "/" + (source as NSString).lastPathComponent)
        }
        try ([GNetTrackPresetTests.header] + GNetTrackPresetTests.edgeRows).joined(separator: "\n").write(
            toFile: folder + "/C_edge.txt", atomically: true, encoding: .utf8)
        try "not a log".write(toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        return folder
    }

    /// The summary line `netmon coverage` prints for `s`.
    static func counts(_ s: ImportSummary) -> String {
        let accepted = Technology.allCases.compactMap { t in s.accepted[t].map { "\(t.rawValue) \($0)" } }.joined(
            separator: ", ")
        return "read \(s.rowsRead) rows: \(s.acceptedCount) accepted (\(accepted)), \(s.rejectedCount) rejected"
    }

    @Test("a folder is its .csv and .txt files in name order: per-file counts, the zone, rejections as file:row")
    func folderImport() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = CoverageCommandTests.fixture.config
        let files = ["B_2019.12.14_10.16.30.csv", "B_2019.12.16_13.40.04.csv", "C_edge.txt"].map { folder + "/" + $0 }
        let run = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", config, "--preset", "gnettrack", "--timezone", "Europe/Dublin", folder,
            "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        // The summaries CoverageModel gives each file, in name order, then the total.
        var mapping = ColumnMapping.gnettrack
        mapping.timeZone = try TimeZoneRule(parsing: "Europe/Dublin")
        var total = ImportSummary()
        var expected = ["3 report files, in this order:"]
        for file in files {
            let reader = try makeReportReader(path: file, mapping: mapping)
            while try reader.next() != nil {}
            total.merge(reader.summary)
            expected.append("  \(file): \(Self.counts(reader.summary))")
        }
        expected.append("times without a UTC offset read as Europe/Dublin (preset gnettrack)")
        expected.append(Self.counts(total))
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(expected.count)) == expected, "\(run.stderr)")
        #expect(total.acceptedCount == 3298 + 5)
        #expect(run.stderr.contains("\(folder)/C_edge.txt:4: time is not G-NetTrack's"), "\(run.stderr)")
        #expect(run.stderr.contains("\(folder)/C_edge.txt:7: unknown technology '5G SA+'"), "\(run.stderr)")
        #expect(!run.stderr.contains("README.md"))

        // The folder reads as its files named one by one, in that order.
        let named = try CoverageCommandTests.netmon(
            ["coverage", "report", "--config", config, "--preset", "gnettrack", "--timezone", "Europe/Dublin"]
                + files + ["--json"])
        #expect(named.status == 0)
        #expect(named.stdout == run.stdout)
        #expect(named.stderr.hasPrefix(expected.joined(separator: "\n")))

        // Without --timezone: Việt Nam time, and the summary says how to change it.
        let defaultZone = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", config, "--preset", "gnettrack", files[0], "--json",
        ])
        #expect(defaultZone.status == 0)
        #expect(
            defaultZone.stderr.contains(
                "times without a UTC offset read as UTC+07:00 (preset gnettrack; --timezone to change)"),
            "\(defaultZone.stderr)")
    }

    @Test("bad arguments: an unknown zone, an empty folder, a missing path")
    func badArguments() throws {
        let config = CoverageCommandTests.fixture.config
        let zone = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", config, "--preset", "gnettrack", "--timezone", "Mars/Olympus",
            GNetTrackPresetTests.drive,
        ])
        #expect(zone.status == 64, "a usage error")
        #expect(zone.stderr.contains("unknown time zone 'Mars/Olympus'"), "\(zone.stderr)")
        let empty = TestData.temporaryPath("-empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let none = try CoverageCommandTests.netmon(["coverage", "report", "--config", config, empty])
        #expect(none.status == 1)
        #expect(none.stderr.contains("\(empty): the folder holds no .csv or .txt file"), "\(none.stderr)")
        let missing = try CoverageCommandTests.netmon(["coverage", "report", "--config", config, empty + "/nope.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.csv: no such file or folder"), "\(missing.stderr)")
    }
}
