import Foundation
import ModemSignal
import Testing

@Suite struct QuectelServingCellParserTests {
    /// 4IceG/luci-app-3ginfo-lite issue 56 (https://github.com/4IceG/luci-app-3ginfo-lite/issues/56): EN-DC on
    /// operator 515-03, a `servingcell` line with the state only, then the `LTE` and `NR5G-NSA` lines.
    @Test func endcWithBothLines() throws {
        let reading = try QuectelServingCellParser.parse(
            try Fixture.text("quectel-endc.txt"), time: Fixture.time, lteSINR: .decibels)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .quectel, technology: .fiveGNonStandalone, operatorCode: "515-03",
                    state: "NOCONN", rsrpDbm: -89, rsrqDb: -13, sinrDb: 16, nrSsRsrpDbm: -76, nrSsRsrqDb: -11,
                    nrSsSinrDb: 21, rssiDbm: -58))
    }

    /// The same lines with the documented LTE scaling (EC2x manuals: value / 5 − 20 dB): 16 → −16.8 dB. The NR
    /// SINR is never rescaled.
    @Test func documentedSINRScaling() throws {
        let reading = try QuectelServingCellParser.parse(try Fixture.text("quectel-endc.txt"), time: Fixture.time)
        #expect(reading.sinrDb == 16.0 / 5 - 20)
        #expect(reading.nrSsSinrDb == 21)
        #expect(QuectelSINRScale.fifthsFromMinus20.rawValue == "fifths")
    }

    /// freedesktop/libqmi pull request 2 (https://github.com/freedesktop/libqmi/pull/2): an RM500Q's answer read
    /// through `mmcli --command`, wrapped in `response: '…'`, with `+QENG:"NR5G-NSA"` (no space) and the test PLMN
    /// 001-01 printed as `1,01`. qmicli read LTE SNR 30.0 dB from the same modem, so this firmware writes dB.
    @Test func endcThroughMMCLICommand() throws {
        let reading = try QuectelServingCellParser.parse(
            try Fixture.text("quectel-rm500q-endc-via-mmcli.txt"), time: Fixture.time, lteSINR: .decibels)
        #expect(reading.technology == .fiveGNonStandalone)
        #expect(reading.operatorCode == "001-01")
        #expect(reading.rsrpDbm == -70 && reading.rsrqDb == -9 && reading.rssiDbm == -46 && reading.sinrDb == 25)
        #expect(reading.nrSsRsrpDbm == -75 && reading.nrSsSinrDb == 180 && reading.nrSsRsrqDb == -11)
    }

    /// 4IceG/luci-app-3ginfo-lite issue 57 (https://github.com/4IceG/luci-app-3ginfo-lite/issues/57): NR5G-SA on
    /// DITO (515-66), with a space before the MCC.
    @Test func standaloneDITO() throws {
        let reading = try QuectelServingCellParser.parse(
            try Fixture.text("quectel-nr5g-sa-dito.txt"), time: Fixture.time)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .quectel, technology: .fiveGStandalone, operatorCode: "515-66",
                    state: "NOCONN", nrSsRsrpDbm: -109, nrSsRsrqDb: -12, nrSsSinrDb: 14))
    }

    /// 4IceG/luci-app-3ginfo-lite issue 48 (https://github.com/4IceG/luci-app-3ginfo-lite/issues/48): NR5G-SA on
    /// T-Mobile US, a three-digit MNC.
    @Test func standaloneThreeDigitMNC() throws {
        let reading = try QuectelServingCellParser.parse(
            try Fixture.text("quectel-nr5g-sa-tmobile.txt"), time: Fixture.time)
        #expect(reading.technology == .fiveGStandalone)
        #expect(reading.operatorCode == "310-260")
        #expect(reading.nrSsRsrpDbm == -104 && reading.nrSsRsrqDb == -13 && reading.nrSsSinrDb == 11)
        #expect(reading.rsrpDbm == nil)
    }

    /// 4IceG/luci-app-3ginfo-lite issue 43 (https://github.com/4IceG/luci-app-3ginfo-lite/issues/43): an EC200T,
    /// the echoed command first; the reporter notes its SINR "requires no conversion".
    @Test func lteEC200T() throws {
        let reading = try QuectelServingCellParser.parse(
            try Fixture.text("quectel-lte-ec200t.txt"), time: Fixture.time, lteSINR: .decibels)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .quectel, technology: .fourG, operatorCode: "123-01",
                    state: "NOCONN", rsrpDbm: -87, rsrqDb: -16, sinrDb: 5, rssiDbm: -69))
    }

    /// 4IceG/luci-app-3ginfo-lite issue 111 (https://github.com/4IceG/luci-app-3ginfo-lite/issues/111): LTE on
    /// spusu (222-88), the line ending in `-`.
    @Test func lteWithDash() throws {
        let reading = try QuectelServingCellParser.parse(try Fixture.text("quectel-lte-dash.txt"), time: Fixture.time)
        #expect(reading.technology == .fourG)
        #expect(reading.operatorCode == "222-88")
        #expect(reading.rsrpDbm == -86 && reading.rsrqDb == -13 && reading.rssiDbm == -52)
        #expect(reading.sinrDb == 15.0 / 5 - 20)
    }

    /// An EG25 session (command, answer, OK) quoted in openqti's inc/cell.h (the PinePhone modem userspace, as
    /// indexed by code search): LTE on 214-01.
    @Test func lteSessionWithOK() throws {
        let reading = try QuectelServingCellParser.parse(
            try Fixture.text("quectel-lte-eg25-at-session.txt"), time: Fixture.time)
        #expect(reading.technology == .fourG)
        #expect(reading.operatorCode == "214-01")
        #expect(reading.rsrpDbm == -104 && reading.rsrqDb == -9 && reading.rssiDbm == -78)
    }

    /// 3G only: a WCDMA answer on 515-03 quoted in a public modem-monitoring source file found by code search (the
    /// index did not name its repository), the trailing fields `-`.
    @Test func wcdmaOnly() throws {
        let reading = try QuectelServingCellParser.parse(try Fixture.text("quectel-wcdma.txt"), time: Fixture.time)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .quectel, technology: .threeG, operatorCode: "515-03",
                    state: "NOCONN", rscpDbm: -94, ecioDb: -15))
    }

    /// `SEARCH`: the module looks for a network; no cell, no service.
    @Test func searchingIsNoService() throws {
        let reading = try QuectelServingCellParser.parse(
            "AT+QENG=\"servingcell\"\r\n+QENG: \"servingcell\",\"SEARCH\"\r\n\r\nOK\r\n", time: Fixture.time)
        #expect(reading.technology == .noService)
        #expect(reading.state == "SEARCH")
        #expect(reading.metrics.isEmpty)
    }

    @Test func errorsSayWhere() {
        do {
            _ = try QuectelServingCellParser.parse("AT+QENG=\"servingcell\"\r\n+CME ERROR: 3\r\n", time: Fixture.time)
            Issue.record("+CME ERROR was accepted")
        } catch {
            #expect(error.code == .toolError)
            #expect(error.context == "line 2")
        }
        do {
            _ = try QuectelServingCellParser.parse(
                "+QENG: \"servingcell\",\"NOCONN\",\"LTE\",\"FDD\",452,04,1,2,3\n", time: Fixture.time)
            Issue.record("a cut LTE line was accepted")
        } catch {
            #expect(error.code == .missingField)
            #expect(error.message.contains("RSRP"))
        }
        do {
            _ = try QuectelServingCellParser.parse(
                "+QENG: \"servingcell\",\"NOCONN\",\"NR5G-SA\",\"TDD\",452,04,1,2,3,4,78,12,-9x,-12,14\n",
                time: Fixture.time)
            Issue.record("a malformed RSRP was accepted")
        } catch {
            #expect(error.code == .badNumber)
            #expect(error.context == "line 1 field 12 (RSRP)")
        }
        #expect(throws: ModemSignalError.self) { try QuectelServingCellParser.parse("OK\n", time: Fixture.time) }
    }
}
