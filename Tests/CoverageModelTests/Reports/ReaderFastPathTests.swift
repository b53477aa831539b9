import Foundation
import Testing

@testable import CoverageModel

/// The shortcuts of the CSV row path give what the general code gives: timestamps of the common form on a
/// remembered date, field splitting without room checks, the operator handed to a compact row only on change.
@Suite struct ReaderFastPathTests {
    static func parse(_ text: String, cache: inout TimestampParsing.DateCache) -> TimestampParsing.Parsed {
        var text = text
        return text.withUTF8 { TimestampParsing.parse(UnsafeRawBufferPointer($0), zone: .requireOffset, cache: &cache) }
    }

    static func parseFresh(_ text: String) -> TimestampParsing.Parsed {
        var cache = TimestampParsing.DateCache()
        return Self.parse(text, cache: &cache)
    }

    @Test func commonTimestampsOnARememberedDateParseAsWithoutTheMemory() {
        var generator = SystemRandomNumberGenerator()
        let bytes = Array("0123456789+-:T ZxX/".utf8)
        var texts = [
            "2026-01-05T08:00:00+07:00", "2026-01-05T23:59:60-12:30", "2026-01-05T24:00:00+18:00",
            "2026-01-05T25:00:00+07:00", "2026-01-05T08:60:00+07:00", "2026-01-05T08:00:61+07:00",
            "2026-01-05T08:00:00+19:00", "2026-01-05T08:00:00+07:60", "2026-01-05T08:00:00 07:00",
            "2026-01-05t08:00:00+07:00", "2026-01-05 08:00:00+07:00", "2026-01-05T08:00:00+07:0x",
            "2026-01-05T0a:00:00+07:00", "2026-01-05T08:00:00.5+07:0", "2026-01-05T08:00:00+0700 ",
            "2026-01-05T00:00:00-00:00", "2026-01-05T08:00:00Z", "2026-01-06T08:00:00+07:00",
        ]
        // Random changes of one to three bytes of the common form (the date included).
        for _ in 0..<5_000 {
            var b = Array("2026-01-05T08:30:15+07:00".utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                b[Int.random(in: 0..<b.count, using: &generator)] = bytes.randomElement(using: &generator)!
            }
            texts.append(String(decoding: b, as: UTF8.self))
        }
        var fast = 0
        var differing: [String] = []
        for text in texts {
            // The memory holds 2026-01-05, as after any earlier row of that day.
            var cache = TimestampParsing.DateCache()
            _ = Self.parse("2026-01-05T00:00:00Z", cache: &cache)
            let warm = Self.parse(text, cache: &cache)
            if warm != Self.parseFresh(text) { differing.append(text) }
            if case .value = warm, text.utf8.count == 25 { fast += 1 }
        }
        #expect(differing == [])
        #expect(fast > 200)
        #expect(Self.parseFresh("2026-01-05T08:00:00+07:00") == .value(1_767_574_800))
        #expect(Self.parseFresh("2026-01-05T08:00:00-07:30") == .value(1_767_627_000))
    }

    @Test func longAndShortRecordsSplitIntoTheirFields() throws {
        // Records longer than the reader's initial room for fields (256), with many empty fields, next to
        // short ones; with and without quotes.
        var generator = SystemRandomNumberGenerator()
        var records: [[String]] = []
        for n in [1, 2, 17, 255, 256, 257, 600, 3] {
            // The first field is never empty (a record of one empty field is a blank line).
            records.append(
                ["x"] + (1..<n).map { _ in Bool.random(using: &generator) ? "" : "\(Int.random(in: 0...99_999))" })
        }
        records.append(["a", "\"q,\"\"x\"\"\"", ""])
        let text = records.map { $0.joined(separator: ",") }.joined(separator: "\n")
        let reader = RecordReader(
            source: MemoryByteSource(text, chunkSize: 7), mode: .csv(separator: 44), chunkSize: 64)
        var got: [[String]] = []
        var viewsAgree = true
        while try reader.next() {
            got.append((0..<reader.fieldCount).map { reader.string($0) })
            let fields = reader.currentFields
            viewsAgree = viewsAgree && fields.count == reader.fieldCount
            for i in 0..<fields.count where String(decoding: fields[i], as: UTF8.self) != reader.string(i) {
                viewsAgree = false
            }
        }
        #expect(viewsAgree)
        var expected = records
        expected[expected.count - 1] = ["a", "q,\"x\"", ""]
        #expect(got == expected)
    }

    /// Operators changing on accepted and on rejected rows (rejected after the operator was read), across
    /// chunks: the compact rows of the workers get every change, as whole reports do.
    @Test(arguments: [1, 2])
    func operatorChangesReachTheWorkersRows(workers: Int) {
        var lines = ["time,lat,lon,technology,operator,rsrp_dbm"]
        let operators = ["452-04", "45205", "", "452-01", " 452-04 ", "a-very-long-operator-name"]
        for i in 0..<400 {
            let op = operators[(i / 3 + i / 7) % operators.count]
            // Every fifth row is rejected by its metric, after its operator was read.
            let rsrp = i % 5 == 0 ? "bad" : "-\(80 + i % 40)"
            lines.append("2026-01-05T08:00:\(10 + i % 40)+07:00,20.6\(i % 9),106.1\(i % 7),4G,\(op),\(rsrp)")
        }
        let text = lines.joined(separator: "\n")
        let single = ParallelIngestTests.ingest(text, workers: 0)
        #expect(single.summary?.rejectedCount == 80)
        #expect(Set(single.operators) == ["unknown", "452-04", "452-05", "452-01", "a-very-long-operator-name"])
        for chunkSize in [30, 100, 333, 1 << 20] {
            #expect(ParallelIngestTests.ingest(text, workers: workers, chunkSize: chunkSize) == single, "\(chunkSize)")
        }
    }
}
