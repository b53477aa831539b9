import Foundation
import NetmonProtocol
import TestSupport
import Testing

@testable import CoverageModel

/// `netmon coverage report --until`: only reports up to a time count, and the figures are those of a file holding
/// only the earlier rows.
@Suite(
    "netmon coverage report --until", .serialized,
    .enabled(if: NetmonExecutable.isBuilt, "needs the netmon executable (swift build --build-tests builds it)"))
struct CoverageUntilCommandTests {
    @Test("an RFC 3339 cutoff: the same JSON as a run over the earlier rows only; later rows counted as skipped")
    func instant() throws {
        let f = CoverageCommandTests.fixture
        let text = try String(contentsOfFile: f.reports, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst()
        let reader = try makeReportReader(path: f.reports)
        var times: [Double] = []
        while let r = try reader.next() { times.append(try #require(r.time)) }
        try #require(times.count == lines.count, "every simulated row is accepted and dated")
        let cutoff = times[times.count / 3]
        let keep = times.indices.filter { times[$0] <= cutoff }
        #expect(keep.count > 1000 && keep.count < times.count - 1000, "the cutoff splits the file")

        let earlier = f.directory + "/earlier.csv"
        try ([String(header)] + keep.map { String(lines[$0]) }).joined(separator: "\n").appending("\n")
            .write(toFile: earlier, atomically: true, encoding: .utf8)
        let until = RFC3339.format(Date(timeIntervalSince1970: cutoff))
        let cut = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", f.config, f.reports, "--json", "--until", until,
        ])
        #expect(cut.status == 0, "\(cut.stderr)")
        let reference = try CoverageCommandTests.netmon(["coverage", "report", "--config", f.config, earlier, "--json"])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(cut.stdout == reference.stdout)
        #expect(
            cut.stderr.contains(
                "\(keep.count) counted, \(times.count - keep.count) later skipped, 0 without a time skipped"),
            "\(cut.stderr)")
        // And the full file differs: the cutoff really dropped reports.
        let full = try CoverageCommandTests.netmon(["coverage", "report", "--config", f.config, f.reports, "--json"])
        #expect(full.stdout != cut.stdout)
    }

    @Test("a date means the end of that day at UTC+07:00; a bad value is refused before reading")
    func dates() throws {
        let f = CoverageCommandTests.fixture
        // The simulation starts 2026-01-05T08:00:00+07:00 and runs for hours that day.
        let before = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", f.config, f.reports, "--json", "--until", "2026-01-04",
        ])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stderr.contains("(reports up to 2026-01-04T23:59:59+07:00): 0 counted, \(f.rows) later skipped"))
        let sameDay = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", f.config, f.reports, "--json", "--until", "2026-01-05",
        ])
        let full = try CoverageCommandTests.netmon(["coverage", "report", "--config", f.config, f.reports, "--json"])
        #expect(sameDay.stdout == full.stdout)
        #expect(sameDay.stderr.contains("\(f.rows) counted, 0 later skipped"))
        // 2026-01-05T00:59:59Z is 07:59:59 local, one second before the first report.
        let instant = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", f.config, f.reports, "--json", "--until", "2026-01-05T00:59:59Z",
        ])
        #expect(instant.stderr.contains("0 counted, \(f.rows) later skipped"), "\(instant.stderr)")

        let bad = try CoverageCommandTests.netmon([
            "coverage", "report", "--config", f.config, f.reports, "--until", "31/12/2025",
        ])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--until '31/12/2025' is neither an RFC 3339 time"))
    }

    @Test("the human report lists each operator's figures per commune")
    func operatorTable() throws {
        let f = CoverageCommandTests.fixture
        let run = try CoverageCommandTests.netmon(["coverage", "report", "--config", f.config, f.reports])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("by operator:"))
        let expected = CoverageCommandTests.expected.result
        for o in expected.province.operators {
            #expect(run.stdout.contains("\(o.code) \(o.name)"), "\(o.code)")
        }
        let viettel = try #require(expected.province.operators.first { $0.code == "452-04" })
        #expect(viettel.name == "Viettel")
    }
}
