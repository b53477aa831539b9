import ArgumentParser
import CoverageModel
import Foundation
import NetmonProtocol

/// `--until DATE` of `netmon coverage report | export`: only reports up to that time count.
///
/// An RFC 3339 time (`2025-12-31T17:00:00Z`) keeps reports at or before that instant. A date (`2025-12-31`) means
/// the end of that day in the province's time zone, Asia/Ho_Chi_Minh (UTC+07:00 all year, no daylight saving):
/// reports before the next day's 00:00+07:00 count. Reports without a time cannot be placed before the cutoff and
/// are skipped too; both kinds of skipped reports are counted in the summary.
struct CoverageCutoff: Sendable, Hashable {
    /// The province's offset east of UTC, in seconds (Việt Nam: +07:00).
    static let provinceOffsetSeconds = 7 * 3600

    /// Unix seconds of the cutoff.
    var limit: Double
    /// Whether a report exactly at `limit` counts (an RFC 3339 instant) or not (the start of the next day).
    var inclusive: Bool
    /// The cutoff as written, for messages.
    var text: String

    func includes(_ time: Double) -> Bool { self.inclusive ? time <= self.limit : time < self.limit }

    /// Parses `--until`; nil with a message saying what is accepted.
    static func parse(_ text: String) throws(ValidationError) -> CoverageCutoff {
        if let date = RFC3339.parse(text) {
            return CoverageCutoff(limit: date.timeIntervalSince1970, inclusive: true, text: text)
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let start = RFC3339.parse("\(text)T00:00:00+07:00")
        {
            return CoverageCutoff(limit: start.timeIntervalSince1970 + 86_400, inclusive: false, text: text)
        }
        throw ValidationError(
            "--until '\(text)' is neither an RFC 3339 time (2025-12-31T17:00:00Z) nor a date (2025-12-31)")
    }

    /// How the cutoff reads in the summary: the last instant that counts.
    var description: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: Self.provinceOffsetSeconds)
        let last = Date(timeIntervalSince1970: self.inclusive ? self.limit : self.limit - 1)
        return formatter.string(from: last)
    }
}

extension CoveragePipeline {
    /// Reads every report file one report at a time (the CSV fast path keeps no times), adding only those the
    /// cutoff includes; prints the import summary and what the cutoff skipped.
    static func accumulate(
        _ options: CoverageInputOptions, settings: CoverageModel.CoverageSettings, until cutoff: CoverageCutoff
    ) throws -> (CoverageAccumulator, ImportSummary) {
        let mapping = try options.mapping()
        let paths: [String]
        do {
            paths = try ReportFiles.expand(options.reports)
        } catch {
            Self.fail("\(error)", code: 1)
        }
        var accumulator = CoverageAccumulator(settings: settings)
        var total = ImportSummary(maxKeptRejections: 20)
        var later = 0
        var undated = 0
        for path in paths {
            let summary = Self.forEachReport(path: path, mapping: mapping, strict: options.strict) { report in
                guard let time = report.time else {
                    undated += 1
                    return
                }
                guard cutoff.includes(time) else {
                    later += 1
                    return
                }
                accumulator.add(report)
            }
            total.merge(summary)
        }
        Self.printSummary(total)
        var standardError = CoverageStderr()
        print(
            "--until \(cutoff.text) (reports up to \(cutoff.description)): \(accumulator.reportCount) counted, "
                + "\(later) later skipped, \(undated) without a time skipped",
            to: &standardError)
        return (accumulator, total)
    }
}
