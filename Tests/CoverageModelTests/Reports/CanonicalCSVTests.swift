import Testing

@testable import CoverageModel

@Suite struct CanonicalCSVTests {
    private func readAll(_ text: String, chunk: Int = 7, strict: Bool = false) throws -> ([SignalReport], ImportSummary)
    {
        let reader = CSVReportReader(source: MemoryByteSource(text, name: "t.csv", chunkSize: chunk), strict: strict)
        var out: [SignalReport] = []
        while let r = try reader.next() { out.append(r) }
        return (out, reader.summary)
    }

    @Test func headerInAnyOrderExtraColumnsQuotesAndBothTimeForms() throws {
        let text = """
            \u{FEFF}extra,technology,lon,lat,time,operator,rsrp_dbm,device,nr_ss_rsrp_dbm\r
            x,4G,106.1,20.6,2026-01-05T08:30:00+07:00,452-04,-95.5,"Galaxy, A54",\r
            "q""uote",5G,106.2,20.7,1767571200,45201,-100,,-88\r

            y,none,106.3,20.8,2026-01-05T01:30:00Z,452-02,,,
            """
        let (reports, summary) = try self.readAll(text)
        #expect(summary.rejections == [])
        #expect(reports.count == 3)
        #expect(
            reports[0]
                == SignalReport(
                    time: 1_767_576_600, lat: 20.6, lon: 106.1, technology: .fourG,
                    operatorCode: "452-04", rsrpDbm: -95.5, device: "Galaxy, A54"))
        #expect(reports[1].time == 1_767_571_200)
        #expect(reports[1].operatorCode == "452-01")
        #expect(reports[1].nrSsRsrpDbm == -88)
        #expect(reports[1].rsrpDbm == -100)
        #expect(reports[2].technology == .noService)
        #expect(reports[2].time == 1_767_576_600)
        #expect(summary.accepted == [.fourG: 1, .fiveG: 1, .noService: 1])
    }

    @Test func badRowsAreRejectedWithRowNumberAndReason() throws {
        let text = """
            time,lat,lon,technology,rsrp_dbm
            2026-01-05T08:30:00+07:00,20.6,106.1,4G,-90
            2026-01-05T08:30:00,20.6,106.1,4G,-90
            2026-01-05T08:30:00+07:00,95,106.1,4G,-90
            2026-01-05T08:30:00+07:00,20.6,106.1,6G,-90
            2026-01-05T08:30:00+07:00,20.6,106.1,4G,strong
            2026-01-05T08:30:00+07:00,20.6,106.1,4G
            2026-02-30T08:30:00+07:00,20.6,106.1,4G,-90
            ,,106.1,4G,-90
            1767571200,20.6,106.1,4G,-91
            """
        let (reports, summary) = try self.readAll(text)
        #expect(reports.map(\.rsrpDbm) == [-90, -91])
        #expect(summary.rowsRead == 9)
        #expect(summary.rejectedCount == 7)
        #expect(summary.rejections.map(\.row) == [3, 4, 5, 6, 7, 8, 9])
        let reasons = summary.rejections.map(\.reason)
        #expect(reasons[0].contains("no UTC offset"))
        #expect(reasons[1].contains("lat 95"))
        #expect(reasons[2].contains("unknown technology '6G'"))
        #expect(reasons[3].contains("rsrp_dbm is not a number"))
        #expect(reasons[4].contains("4 fields"))
        #expect(reasons[5].contains("impossible date"))
        #expect(reasons[6].contains("lat is missing"))
    }

    @Test func strictModeStopsAtTheFirstBadRow() throws {
        let text = "lat,lon,technology\n20,106,4G\n20,106,9G\n"
        let error = #expect(throws: ReportReadError.self) { try self.readAll(text, strict: true) }
        #expect(error?.code == .badRow)
        #expect(error?.row == 3)
        #expect(error?.description.contains("t.csv:3") == true)
    }

    @Test func missingRequiredColumnFailsTheFile() throws {
        let error = #expect(throws: ReportReadError.self) { try self.readAll("lat,lon,rsrp_dbm\n1,2,3\n") }
        #expect(error?.code == .badHeader)
        #expect(error?.message.contains("'technology'") == true)
    }

    @Test func outOfRangeValuesAreDroppedAndCountedAtTheExactLimits() throws {
        let text = """
            lat,lon,technology,rsrp_dbm,nr_ss_rsrp_dbm,rscp_dbm
            20,106,5G,-141,-157,
            20,106,5G,-140,-156,
            20,106,5G,-44,-31,
            20,106,5G,-43,-30,
            20,106,3G,,,-121
            20,106,3G,,,-120
            20,106,3G,,,-25
            20,106,3G,,,-24
            """
        let (reports, summary) = try self.readAll(text)
        #expect(reports.count == 8)
        #expect(reports.map(\.rsrpDbm) == [nil, -140, -44, nil, nil, nil, nil, nil])
        #expect(reports.map(\.nrSsRsrpDbm) == [nil, -156, -31, nil, nil, nil, nil, nil])
        #expect(reports.map(\.rscpDbm) == [nil, nil, nil, nil, nil, -120, -25, nil])
        #expect(summary.droppedOutOfRange == [.rsrpDbm: 2, .nrSsRsrpDbm: 2, .rscpDbm: 2])
    }

    @Test func recordsLongerThanTheBufferAndSplitAcrossReads() throws {
        let long = String(repeating: "é", count: 5000)
        let text = "a,b\n\"\(long)\",\"x\ny\"\nlast,1"
        let reader = RecordReader(
            source: MemoryByteSource(text, chunkSize: 3), mode: .csv(separator: 44), chunkSize: 16)
        var rows: [[String]] = []
        while try reader.next() { rows.append((0..<reader.fields.count).map { reader.string($0) }) }
        #expect(rows == [["a", "b"], [long, "x\ny"], ["last", "1"]])
    }

    @Test func numbersParseExactly() {
        for text in ["-95.5", "0.05", "-0.1", "106.123456", "1e3", "-7.25E-1", " 12 ", "20.000001"] {
            #expect(NumberParsing.parse(text) == .value(Double(text.trimmingSpaces)!), "\(text)")
        }
        #expect(NumberParsing.parse("") == .empty)
        #expect(NumberParsing.parse("nan") == .invalid)
        #expect(NumberParsing.parse("1.2.3") == .invalid)
        #expect(NumberParsing.parse("-") == .invalid)
    }

    @Test func dublinLocalTimeFollowsSummerTime() {
        func parse(_ s: String) -> TimestampParsing.Parsed {
            var s = s
            return s.withUTF8 { TimestampParsing.parse(UnsafeRawBufferPointer($0), zone: .dublin) }
        }
        // 2020-07-01T12:00 IST = 11:00Z; 2020-01-15T12:00 GMT = 12:00Z.
        #expect(parse("2020-07-01T12:00:00") == .value(1_593_601_200))
        #expect(parse("2020-01-15T12:00:00") == .value(1_579_089_600))
        // Summer time starts 2020-03-29 01:00Z and ends 2020-10-25 01:00Z.
        #expect(parse("2020-03-29T00:59:59") == .value(1_585_443_599))
        #expect(parse("2020-03-29T02:00:00") == .value(1_585_443_600))
        #expect(parse("2020-10-25T00:30:00") == .value(1_603_582_200))
        // 01:30 happens twice that night; the first (summer) one is taken.
        #expect(parse("2020-10-25T01:30:00") == .value(1_603_585_800))
        #expect(parse("2020-10-25T02:30:00.5") == .value(1_603_593_000.5))
    }
}
