import Foundation
import ModemSignal
import Testing

@Suite struct QMICLISignalParserTests {
    /// freedesktop/libqmi pull request 2 (https://github.com/freedesktop/libqmi/pull/2): a Quectel RM500Q on a 5G
    /// callbox in NSA mode, `qmicli -d /dev/cdc-wdm0 -p --nas-get-signal-info` with LTE and 5G blocks.
    @Test func nonStandaloneWithBothBlocks() throws {
        let reading = try QMICLISignalParser.parse(
            signal: try Fixture.text("qmicli-signal-rm500q-nsa.txt"), time: Fixture.time)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .qmicli, technology: .fiveGNonStandalone, rsrpDbm: -70, rsrqDb: -5,
                    sinrDb: 30, nrSsRsrpDbm: -75, nrSsRsrqDb: -11, nrSsSinrDb: 18.5, rssiDbm: -47))
    }

    /// A public Markdown write-up of an MSM8916 dongle (Melbon HMU05 firmware on a UFI001B board) on OpenWrt, found
    /// by code search (the index did not name its repository): `--nas-get-signal-info` and `--nas-get-serving-system`
    /// on /dev/wwan0qmi0, LTE on Jio, MCC 405 MNC 861.
    @Test func lteWithServingSystem() throws {
        let reading = try QMICLISignalParser.parse(
            signal: try Fixture.text("qmicli-signal-lte.txt"),
            servingSystem: try Fixture.text("qmicli-serving-system-lte.txt"), time: Fixture.time)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .qmicli, technology: .fourG, operatorCode: "405-861",
                    state: "registered", rsrpDbm: -89, rsrqDb: -9, sinrDb: 11.4, rssiDbm: -63))
    }

    /// A serving system without registration (a modem without its antenna; quoted in a public shell script's
    /// comment found by code search) and a signal output with no technology block: no service.
    @Test func notRegisteredIsNoService() throws {
        let reading = try QMICLISignalParser.parse(
            signal: "[/dev/cdc-wdm0] Successfully got signal info\n",
            servingSystem: try Fixture.text("qmicli-serving-system-not-registered.txt"), time: Fixture.time)
        #expect(reading.technology == .noService)
        #expect(reading.state == "not-registered")
        #expect(reading.metrics.isEmpty)
    }

    /// 3G only. No public qmicli WCDMA sample was found; this follows qmicli's WCDMA block (`RSSI` and `ECIO`, the
    /// latter printed with a `dBm` unit by qmicli-nas.c) and qmicli's integer MNC (`'4'` for Viettel's 04).
    @Test func wcdmaOnlyAndIntegerMNC() throws {
        let signal = "[/dev/cdc-wdm0] Successfully got signal info\nWCDMA:\n\tRSSI: '-81 dBm'\n\tECIO: '-7.5 dBm'\n"
        let serving = """
            [/dev/cdc-wdm0] Successfully got serving system:
            \tRegistration state: 'registered'
            \tRadio interfaces: '1'
            \t\t[0]: 'umts'
            \tCurrent PLMN:
            \t\tMCC: '452'
            \t\tMNC: '4'
            """
        let reading = try QMICLISignalParser.parse(signal: signal, servingSystem: serving, time: Fixture.time)
        #expect(reading.technology == .threeG)
        #expect(reading.operatorCode == "452-04")
        #expect(reading.rssiDbm == -81 && reading.ecioDb == -7.5 && reading.rscpDbm == nil)
    }

    /// The modem gives −32768 for the 5G values when NR is not active (libqmi pull request 2): no value.
    @Test func inactiveNRIsNoValue() throws {
        let text = try Fixture.text("qmicli-signal-rm500q-nsa.txt")
            .replacingOccurrences(of: "-75 dBm", with: "-32768 dBm")
            .replacingOccurrences(of: "18.5 dB", with: "-32768.0 dB")
            .replacingOccurrences(of: "-11 dB", with: "-32768 dB")
        let reading = try QMICLISignalParser.parse(signal: text, time: Fixture.time)
        #expect(reading.nrSsRsrpDbm == nil && reading.nrSsSinrDb == nil && reading.nrSsRsrqDb == nil)
        #expect(reading.rsrpDbm == -70)
    }

    @Test func toolErrorAndMalformedLines() {
        do {
            _ = try QMICLISignalParser.parse(
                signal: "error: couldn't get signal info: QMI protocol error (15): 'InformationUnavailable'\n",
                time: Fixture.time)
            Issue.record("a qmicli error was read as a reading")
        } catch {
            #expect(error.code == .toolError)
            #expect(error.context == "line 1")
        }
        do {
            _ = try QMICLISignalParser.parse(
                signal: "[/dev/x] Successfully got signal info\nLTE:\n\tRSRP: 'weak'\n", time: Fixture.time)
            Issue.record("a non-numeric RSRP was accepted")
        } catch {
            #expect(error.code == .badNumber)
            #expect(error.context == "line 3 (LTE RSRP)")
        }
        #expect(throws: ModemSignalError.self) {
            try QMICLISignalParser.parse(signal: "hello\n", time: Fixture.time)
        }
    }
}
