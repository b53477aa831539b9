import Foundation
import NetmonProtocol
import TestSupport
import Testing

@testable import CoverageModel

/// Raw G-NetTrack Pro logs through the `gnettrack` preset, checked against Python reading the same files.
@Suite struct GNetTrackPresetTests {
    static let drive = RepositoryData.shared("drive-tests/gnettrack/B_2019.12.14_10.16.30.csv")
    static let parked = RepositoryData.shared("drive-tests/gnettrack/B_2019.12.16_13.40.04.csv")

    static func dublin() throws -> ColumnMapping {
        var mapping = ColumnMapping.gnettrack
        mapping.timeZone = try TimeZoneRule(parsing: "Europe/Dublin")
        return mapping
    }

    @Test(
        "the two raw logs: rows per technology, per-metric values, times in UTC, rates and operators as Python reads them",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        .enabled(if: GNetTrackReference.hasPython, "needs python3 with zoneinfo (the independent reading)"))
    func rawLogsMatchAnIndependentReading() throws {
        let paths = [Self.drive, Self.parked]
        let expected = try GNetTrackReference.compute(paths, zone: "Europe/Dublin")
        let got = try GNetTrackReference.reading(paths, mapping: try Self.dublin())
        #expect(got == expected)
        // The reference is not vacuous: what the files hold, as counted by hand from them.
        #expect(expected.rows == 1155 + 2143)
        #expect(expected.accepted == ["5G": 524 + 2143, "3G": 429 + 4, "4G": 198])
        #expect(expected.rejected.isEmpty)
        #expect(expected.timed == 3298)
        // 3G rows carry RSCP/Ec/Io, NSA rows their NR leg, LTE rows neither; `-` and −200 count as no value.
        #expect(expected.metrics["rscp_dbm"]?[0] == 433)
        #expect((expected.metrics["nr_ss_rsrp_dbm"]?[0] ?? 0) > 2500)
        #expect(expected.metrics["nr_ss_rsrp_dbm"]?[1] == 6 + 7, "'-' NR RSRP on 5G rows is 'no value'")
        #expect(expected.metrics["sinr_db"]?[1] == 0, "the '-' SNR of 3G rows is not read at all")
        #expect(expected.metrics["rsrp_dbm"]?[1] == 3, "three LTE rows say −200")
        #expect((expected.metrics["nr_ss_rsrq_db"]?[2] ?? 0) > 0, "−204 NR RSRQ is out of range")
        #expect(expected.operators == ["B": 3298])
        // December in Cork is GMT: the first row, 2019.12.14_10.16.30, is 10:16:30 UTC; the last of the parked
        // session 2019.12.16_14.18.05.
        #expect(expected.first == 1_576_318_590)
        #expect(expected.last == 1_576_505_885)
    }

    @Test(
        "without a time zone the logs are read as Việt Nam time (UTC+07:00); another zone shifts every row",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func defaultZoneIsVietNam() throws {
        let vietNam = try #require(try makeReportReader(path: Self.drive, mapping: .gnettrack).next())
        let tenSixteenInHanoi: Double = 1_576_318_590 - 7 * 3600
        #expect(vietNam.time == tenSixteenInHanoi)
        var plusSeven = ColumnMapping.gnettrack
        plusSeven.timeZone = try TimeZoneRule(parsing: "Asia/Ho_Chi_Minh")
        #expect(try makeReportReader(path: Self.drive, mapping: plusSeven).next()?.time == vietNam.time)
        #expect(ColumnMapping.gnettrack.timeZone.description == "UTC+07:00")
    }

    @Test(
        "one thread or several: the same summary for the raw logs",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
    func parallelIngestAgrees() throws {
        let mapping = try Self.dublin()
        var one = CoverageAccumulator(settings: CoverageSettings())
        var many = CoverageAccumulator(settings: CoverageSettings())
        let single = try CSVCoverageIngest.accumulate(
            source: try FileByteSource(path: Self.drive), mapping: mapping, workers: 0, into: &one)
        let parallel = try CSVCoverageIngest.accumulate(
            source: try FileByteSource(path: Self.drive), mapping: mapping, workers: 3, into: &many, chunkSize: 16 << 10
        )
        #expect(single == parallel)
        #expect(single.accepted == [.fiveG: 524, .threeG: 433, .fourG: 198])
        #expect(single.sentinelValues[.sinrDb] == parallel.sentinelValues[.sinrDb])
    }

    /// Hand-written rows: one of each case the preset has to decide.
    static let header =
        "Timestamp,Longitude,Latitude,Speed,Operatorname,CellID,NetworkMode,RSRP,RSRQ,SNR,CQI,RSSI,DL_bitrate,UL_bitrate,State,PINGAVG,PINGMIN,PINGMAX,PINGSTDEV,PINGLOSS,CELLHEX,NODEHEX,LACHEX,RAWCELLID,NRxRSRP,NRxRSRQ"

    static func row(
        _ time: String, mode: String, rsrp: String = "-95", rsrq: String = "-11", snr: String = "9.0",
        rssi: String = "-70", dl: String = "1200", ul: String = "80", nr: (String, String) = ("-98.0", "-12.0"),
        lat: String = "20.65", lon: String = "106.05", op: String = "Viettel"
    ) -> String {
        [
            time, lon, lat, "12", op, "7", mode, rsrp, rsrq, snr, "11", rssi, dl, ul, "D", "-", "-", "-", "-", "-",
            "C", "A81B", "9CBA", "11016972", nr.0, nr.1,
        ].joined(separator: ",")
    }

    static let edgeRows = [
        /* 2 */ row("2025.06.01_08.00.00", mode: "5G"),
        /* 3 */ row(
            "2025.06.01_08.00.01", mode: "HSPA+", rsrp: "-81", rsrq: "-7", snr: "-", nr: ("-51.0", "-24.0"),
            op: "VINAPHONE"),
        /* 4 */ row("2025-06-01T08:00:02", mode: "LTE"),
        /* 5 */ row("-", mode: "-", rsrp: "-", rsrq: "-", snr: "-", rssi: "-", dl: "-", ul: "-", nr: ("-", "-")),
        /* 6 */ row("-", mode: "LTE", rsrp: "-", rsrq: "-", snr: "-", rssi: "-", dl: "-", ul: "-", op: "-"),
        /* 7 */ row("2025.06.01_08.00.04", mode: "5G SA+"),
        /* 8 */ row("2025.02.30_08.00.05", mode: "LTE"),
        /* 9 */ row("2025.06.01_08.00.06", mode: "UMTS", lat: "-"),
        /* 10 */ row("2025.06.01_08.00.07", mode: "GSM", rsrp: "-200", rssi: "-88", op: "MobiFone"),
        /* 11 */ row("2025.06.01_08.00.08", mode: "5G", rsrp: "-205", nr: ("-99.5", "-204.0")),
        /* 12 */ row("2025.06.01_08.00.09", mode: "LTE", rsrp: "n/a"),
    ]

    @Test(
        "hand-written rows: bad timestamp, '-' everywhere, 3G, NSA, unknown mode, each rejection with its row and reason",
        .enabled(if: GNetTrackReference.hasPython, "needs python3 with zoneinfo (the independent reading)"))
    func edgeCases() throws {
        let path = TestData.temporaryPath(".csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ([Self.header] + Self.edgeRows).joined(separator: "\r\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let mapping = ColumnMapping.gnettrack
        #expect(
            try GNetTrackReference.reading([path], mapping: mapping)
                == GNetTrackReference.compute([path], zone: "+07:00"))

        let reader = try makeReportReader(path: path, mapping: mapping)
        var reports: [SignalReport] = []
        while let r = try reader.next() { reports.append(r) }
        let summary = reader.summary
        #expect(summary.rowsRead == 11)
        #expect(summary.rejections.map(\.row) == [4, 5, 7, 8, 9, 12])
        let reasons = Dictionary(uniqueKeysWithValues: summary.rejections.map { ($0.row, $0.reason) })
        #expect(reasons[4] == "time is not G-NetTrack's YYYY.MM.DD_hh.mm.ss: '2025-06-01T08:00:02'")
        #expect(reasons[5] == "technology is missing ('-')")
        #expect(reasons[7] == "unknown technology '5G SA+'")
        #expect(reasons[8] == "time has an impossible date")
        #expect(reasons[9] == "lat is missing")
        #expect(reasons[12] == "rsrp_dbm is not a number: 'n/a'")
        #expect(summary.rejections.allSatisfy { $0.file == path })
        #expect(summary.accepted == [.fiveG: 2, .threeG: 1, .fourG: 1, .twoG: 1])

        // NSA: the LTE anchor and the NR leg; local 08:00 in Việt Nam is 01:00 UTC.
        let nsa = reports[0]
        #expect(nsa.technology == .fiveG && nsa.rsrpDbm == -95 && nsa.rsrqDb == -11 && nsa.sinrDb == 9)
        #expect(nsa.nrSsRsrpDbm == -98 && nsa.nrSsRsrqDb == -12)
        #expect(nsa.time == 1_748_739_600)
        #expect(nsa.dlKbps == 1200 && nsa.ulKbps == 80 && nsa.operatorCode == "452-04")
        // 3G: RSCP and Ec/Io from the RSRP/RSRQ columns, no LTE values, the stale NR values ignored.
        let umts = reports[1]
        #expect(umts.technology == .threeG && umts.rscpDbm == -81 && umts.ecioDb == -7)
        #expect(umts.rsrpDbm == nil && umts.rsrqDb == nil && umts.nrSsRsrpDbm == nil && umts.sinrDb == nil)
        // Operator names: Việt Nam's networks as their MCC-MNC, whatever the case, however long the name.
        #expect(umts.operatorCode == "452-02")
        #expect(reports[3].operatorCode == "452-01")
        // '-' everywhere but the position and mode: kept, with nothing but its place.
        let bare = reports[2]
        #expect(bare.technology == .fourG && bare.time == nil && bare.operatorCode == nil)
        #expect(bare.rsrpDbm == nil && bare.dlKbps == nil && bare.ulKbps == nil)
        // 2G through RSSI; −205 and −204 dropped.
        #expect(reports[3].technology == .twoG && reports[3].rssiDbm == -88)
        #expect(reports[4].rsrpDbm == nil && reports[4].nrSsRsrpDbm == -99.5 && reports[4].nrSsRsrqDb == nil)
        #expect(summary.sentinelValues[.rsrpDbm] == 2, "row 6's '-' and row 11's −205")
        #expect(summary.droppedOutOfRange == [.nrSsRsrqDb: 1])

        // Strict: the first bad row stops the import, with its row.
        let strict = try makeReportReader(path: path, mapping: mapping, strict: true)
        #expect(throws: ReportReadError(code: .badRow, message: reasons[4] ?? "", file: path, row: 4)) {
            while try strict.next() != nil {}
        }
    }

    @Test("time zones: IANA names with their summer time, offsets, UTC; anything else is a clear error")
    func timeZones() throws {
        #expect(try TimeZoneRule(parsing: "+07:00") == .fixed(secondsEast: 25_200))
        #expect(try TimeZoneRule(parsing: "UTC+7") == .fixed(secondsEast: 25_200))
        #expect(try TimeZoneRule(parsing: "-0330") == .fixed(secondsEast: -12_600))
        #expect(try TimeZoneRule(parsing: "utc") == .fixed(secondsEast: 0))
        let dublin = try TimeZoneRule(parsing: "Europe/Dublin")
        #expect(dublin.description == "Europe/Dublin")
        // 2019-07-01 12:00 Irish summer time is 11:00 UTC; in winter local time is UTC.
        let july = CivilDate.days(year: 2019, month: 7, day: 1) * 86_400 + 12 * 3600
        #expect(dublin.utc(fromLocal: july) == july - 3600)
        #expect(dublin.utc(fromLocal: july + 180 * 86_400) == july + 180 * 86_400)
        // Every hour of 2019 to 2021 as the hand-written EU rule reads it (changes, repeated and skipped hours too).
        let start = CivilDate.days(year: 2019, month: 1, day: 1) * 86_400
        for hour in stride(from: start, to: start + 3 * 365 * 86_400, by: 1800) {
            #expect(dublin.utc(fromLocal: hour) == TimeZoneRule.dublin.utc(fromLocal: hour), "local \(hour)")
        }
        for bad in ["Mars/Olympus", "ICT", "+25:00", "+7:5", "07:00", ""] {
            #expect(throws: ReportReadError.self, "\(bad)") { try TimeZoneRule(parsing: bad) }
        }
        do throws(ReportReadError) {
            _ = try TimeZoneRule(parsing: "Asia/Hanoi_City")
            Issue.record("an unknown IANA name was accepted")
        } catch {
            #expect(error.code == .badTimeZone)
            #expect(error.message.contains("Asia/Ho_Chi_Minh"))
        }
    }
}
