import Foundation
import ModemSignal
import Testing

@Suite struct MMCLISignalParserTests {
    /// Signal: iqrf/iqrf-gateway-webapp, the CellularManager test's second `--signal-get --output-json` answer
    /// (after `--signal-setup=300`), from a Huawei E3131; its GSM RSSI is `-67,00`, printed in a comma-decimal locale.
    /// Modem: iqrf/iqrf-gateway-webapp, tests/data/modemManager/connected-3g.json (access technology `edge`,
    /// operator-code `--`).
    @Test func gsmOnEdgeWithCommaDecimal() throws {
        let reading = try MMCLISignalParser.parse(
            signal: try Fixture.data("mmcli-signal-gsm-comma-locale.json"),
            modem: try Fixture.data("mmcli-modem-huawei-e3131-edge.json"), time: Fixture.time)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .mmcli, technology: .twoG, operatorCode: nil, state: "connected",
                    rssiDbm: -67))
    }

    /// Signal: the ModemManager signal object shown in openwisp/openwisp-monitoring issue 779
    /// (https://github.com/openwisp/openwisp-monitoring/issues/779, `ubus call modemmanager dump`, the keys of
    /// `mmcli --signal-get --output-json`), in mmcli's `{"modem":{"signal":…}}` envelope: LTE with only RSSI.
    /// Modem: iqrf/iqrf-gateway-webapp, tests/data/modemManager/connected.json (Quectel EG25, operator 23002, lte).
    @Test func lteWithAbsentFieldsAndOperator() throws {
        let reading = try MMCLISignalParser.parse(
            signal: try Fixture.data("mmcli-signal-lte-rssi-only.json"),
            modem: try Fixture.data("mmcli-modem-quectel-eg25-lte.json"), time: Fixture.time)
        #expect(reading.technology == .fourG)
        #expect(reading.operatorCode == "230-02")
        #expect(reading.state == "connected")
        #expect(reading.rssiDbm == -102)
        #expect(reading.rsrpDbm == nil && reading.rsrqDb == nil && reading.sinrDb == nil)
        #expect(reading.nrSsRsrpDbm == nil)
    }

    /// Without the modem output the technology comes from the blocks with values.
    @Test func technologyFromTheBlocksAlone() throws {
        let reading = try MMCLISignalParser.parse(
            signal: try Fixture.data("mmcli-signal-lte-rssi-only.json"), time: Fixture.time)
        #expect(reading.technology == .fourG)
        #expect(reading.operatorCode == nil)
    }

    /// iqrf/iqrf-gateway-webapp, the CellularManager test's first `--signal-get` answer: before `--signal-setup`,
    /// refresh rate 0 and every value `--`. The error tells the engineer what to run.
    @Test func pollingOffSaysToRunSignalSetup() throws {
        #expect {
            try MMCLISignalParser.parse(signal: try Fixture.data("mmcli-signal-polling-off.json"), time: Fixture.time)
        } throws: { error in
            guard let error = error as? ModemSignalError else { return false }
            return error.code == .signalPollingDisabled && error.message.contains("--signal-setup")
        }
    }

    /// The same answer with the modem output beside it (the E3131 on EDGE, as the gateway's monitor reads both):
    /// the access technology must not hide that polling is off. Found by the gateway end-to-end test, which got
    /// an empty 2G reading instead of setting up polling.
    @Test func pollingOffIsSeenWithTheModemOutputToo() throws {
        #expect {
            try MMCLISignalParser.parse(
                signal: try Fixture.data("mmcli-signal-polling-off.json"),
                modem: try Fixture.data("mmcli-modem-huawei-e3131-edge.json"), time: Fixture.time)
        } throws: { error in
            (error as? ModemSignalError)?.code == .signalPollingDisabled
        }
    }

    /// Polling on (rate 30) and nothing measured: a reading without service, not an error.
    @Test func noSignalIsNoService() throws {
        let text = String(decoding: try Fixture.data("mmcli-signal-lte-rssi-only.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"-102.00\"", with: "\"--\"")
        let reading = try MMCLISignalParser.parse(signal: Data(text.utf8), time: Fixture.time)
        #expect(reading.technology == .noService)
        #expect(reading.metrics.isEmpty)
    }

    /// EN-DC as ModemManager reports it: `lte` and `5gnr` access technologies, both blocks with values (the
    /// polling-off sample with values put in, since no public 5G `--signal-get` output was found).
    @Test func nonStandaloneFromAccessTechnologies() throws {
        let signal = String(decoding: try Fixture.data("mmcli-signal-polling-off.json"), as: UTF8.self)
            .replacingOccurrences(
                of: "\"5g\":{\"error-rate\":\"--\",\"rsrp\":\"--\",\"rsrq\":\"--\",\"snr\":\"--\"}",
                with: "\"5g\":{\"error-rate\":\"--\",\"rsrp\":\"-91.00\",\"rsrq\":\"-11.00\",\"snr\":\"14.50\"}"
            )
            .replacingOccurrences(
                of: "\"lte\":{\"error-rate\":\"--\",\"rsrp\":\"--\",\"rsrq\":\"--\",\"rssi\":\"--\",\"snr\":\"--\"}",
                with:
                    "\"lte\":{\"error-rate\":\"--\",\"rsrp\":\"-95.00\",\"rsrq\":\"-12.00\",\"rssi\":\"-66.00\",\"snr\":\"9.40\"}"
            )
        let modem = String(decoding: try Fixture.data("mmcli-modem-quectel-eg25-lte.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"lte\"\n", with: "\"lte\",\n\t\t\t\t\"5gnr\"\n")
            .replacingOccurrences(of: "\"23002\"", with: "\"45204\"")
        let reading = try MMCLISignalParser.parse(
            signal: Data(signal.utf8), modem: Data(modem.utf8), time: Fixture.time)
        #expect(
            reading
                == ModemSignalReading(
                    time: Fixture.time, source: .mmcli, technology: .fiveGNonStandalone, operatorCode: "452-04",
                    state: "connected", rsrpDbm: -95, rsrqDb: -12, sinrDb: 9.4, nrSsRsrpDbm: -91, nrSsRsrqDb: -11,
                    nrSsSinrDb: 14.5, rssiDbm: -66))
    }

    @Test func accessTechnologyNames() {
        #expect(MMCLISignalParser.technology(accessTechnologies: ["5gnr"]) == .fiveGStandalone)
        #expect(MMCLISignalParser.technology(accessTechnologies: ["lte", "5gnr"]) == .fiveGNonStandalone)
        #expect(MMCLISignalParser.technology(accessTechnologies: ["hsdpa", "hsupa"]) == .threeG)
        #expect(MMCLISignalParser.technology(accessTechnologies: ["gprs"]) == .twoG)
        #expect(MMCLISignalParser.technology(accessTechnologies: ["unknown"]) == nil)
    }

    @Test func malformedInputSaysWhere() throws {
        #expect(throws: ModemSignalError.self) {
            try MMCLISignalParser.parse(signal: Data("not json".utf8), time: Fixture.time)
        }
        let bad = Data(#"{"modem":{"signal":{"lte":{"rsrp":"strong"},"refresh":{"rate":"10"}}}}"#.utf8)
        do {
            _ = try MMCLISignalParser.parse(signal: bad, time: Fixture.time)
            Issue.record("a non-numeric rsrp was accepted")
        } catch {
            #expect(error.code == .badNumber)
            #expect(error.context == "modem.signal.lte.rsrp")
        }
        let badOperator = Data(#"{"modem":{"3gpp":{"operator-code":"45x04"}}}"#.utf8)
        let signal = try Fixture.data("mmcli-signal-lte-rssi-only.json")
        do {
            _ = try MMCLISignalParser.parse(signal: signal, modem: badOperator, time: Fixture.time)
            Issue.record("a malformed operator code was accepted")
        } catch {
            #expect(error.context == "modem.3gpp.operator-code")
        }
    }
}
