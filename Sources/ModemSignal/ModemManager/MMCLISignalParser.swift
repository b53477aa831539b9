import Foundation

/// Reads ModemManager's `mmcli -m M --signal-get --output-json` and, optionally, `mmcli -m M --output-json`.
///
/// The signal output has one object per technology under `modem.signal` (`gsm`, `umts`, `lte`, `5g`; `cdma1x` and
/// `evdo` are not read), each value a string, `--` when absent; `refresh.rate` is the polling interval that
/// `--signal-setup=<seconds>` set, `0` when polling is off (then every value is `--`). The modem output gives
/// `modem.3gpp.operator-code` (MCC and MNC run together), `modem.generic.access-technologies` and
/// `modem.generic.state`. Without it, the technology is taken from the blocks that carry values.
public enum MMCLISignalParser {
    /// - Parameters:
    ///   - signal: the `--signal-get --output-json` output.
    ///   - modem: the `--output-json` output of the modem, for the operator and access technology.
    public static func parse(
        signal: Data, modem: Data? = nil, time: Date
    ) throws(ModemSignalError)
        -> ModemSignalReading
    {
        let root = try self.object(signal, name: "signal output")
        guard let signalObject = (root["modem"] as? [String: Any])?["signal"] as? [String: Any] else {
            throw ModemSignalError(
                .unrecognizedOutput, context: "signal output", "no modem.signal object (not `mmcli --signal-get`?)")
        }
        func block(_ names: String...) -> [String: Any]? {
            for name in names { if let found = signalObject[name] as? [String: Any] { return found } }
            return nil
        }
        func value(_ blockNames: [String], _ key: String) throws(ModemSignalError) -> Double? {
            for name in blockNames {
                guard let object = signalObject[name] as? [String: Any], let raw = object[key] else { continue }
                guard let text = raw as? String else {
                    throw ModemSignalError(
                        .badNumber, context: "modem.signal.\(name).\(key)", "expected a string, got \(raw)")
                }
                return try SignalNumber.parse(Substring(text), context: "modem.signal.\(name).\(key)")
            }
            return nil
        }
        let lteNames = ["lte"]
        let nrNames = ["5g", "nr5g"]
        let lte = (
            rsrp: try value(lteNames, "rsrp"), rsrq: try value(lteNames, "rsrq"), snr: try value(lteNames, "snr"),
            rssi: try value(lteNames, "rssi")
        )
        let nr = (rsrp: try value(nrNames, "rsrp"), rsrq: try value(nrNames, "rsrq"), snr: try value(nrNames, "snr"))
        let umts = (
            rscp: try value(["umts"], "rscp"), ecio: try value(["umts"], "ecio"), rssi: try value(["umts"], "rssi")
        )
        let gsmRSSI = try value(["gsm"], "rssi")

        var info: (operatorCode: String?, technologies: [String], state: String?) = (nil, [], nil)
        if let modem { info = try self.modemInfo(modem) }

        let hasLTE = lte.rsrp != nil || lte.rsrq != nil || lte.snr != nil || lte.rssi != nil
        let hasNR = nr.rsrp != nil || nr.rsrq != nil || nr.snr != nil
        let hasUMTS = umts.rscp != nil || umts.ecio != nil || umts.rssi != nil
        var technology =
            self.technology(accessTechnologies: info.technologies)
            ?? (hasNR
                ? (hasLTE ? .fiveGNonStandalone : .fiveGStandalone)
                : hasLTE ? .fourG : hasUMTS ? .threeG : gsmRSSI != nil ? .twoG : .noService)
        // Some modems on EN-DC list only `lte` while the 5g block has values: the NR leg is there.
        if technology == .fourG, hasNR { technology = .fiveGNonStandalone }
        // Polling off: no value anywhere and rate 0, whatever access technology the modem output names.
        if !hasLTE, !hasNR, !hasUMTS, gsmRSSI == nil,
            let refresh = block("refresh")?["rate"] as? String, refresh == "0"
        {
            throw ModemSignalError(
                .signalPollingDisabled, context: "modem.signal.refresh.rate",
                "ModemManager polls no extended signal (rate 0): run `mmcli -m <modem> --signal-setup=<seconds>` first")
        }

        var reading = ModemSignalReading(
            time: time, source: .mmcli, technology: technology, operatorCode: info.operatorCode, state: info.state)
        switch technology {
        case .fourG, .fiveGNonStandalone:
            reading.rsrpDbm = lte.rsrp
            reading.rsrqDb = lte.rsrq
            reading.sinrDb = lte.snr
            reading.rssiDbm = lte.rssi
        case .threeG:
            reading.rscpDbm = umts.rscp
            reading.ecioDb = umts.ecio
            reading.rssiDbm = umts.rssi
        case .twoG:
            reading.rssiDbm = gsmRSSI
        case .fiveGStandalone, .noService:
            break
        }
        if technology == .fiveGNonStandalone || technology == .fiveGStandalone {
            reading.nrSsRsrpDbm = nr.rsrp
            reading.nrSsRsrqDb = nr.rsrq
            reading.nrSsSinrDb = nr.snr
        }
        return reading
    }

    /// The radio access from ModemManager's access technologies (`MMModemAccessTechnology` nicknames); nil when
    /// none of them is one we know (then the signal blocks decide).
    public static func technology(accessTechnologies: [String]) -> RadioAccess? {
        let names = Set(accessTechnologies.map { $0.lowercased() })
        let lte: Set = ["lte", "lte-cat-m", "lte-nb-iot"]
        let umts: Set = ["umts", "hsdpa", "hsupa", "hspa", "hspa-plus"]
        let gsm: Set = ["gsm", "gsm-compact", "gprs", "edge"]
        if names.contains("5gnr") { return names.isDisjoint(with: lte) ? .fiveGStandalone : .fiveGNonStandalone }
        if !names.isDisjoint(with: lte) { return .fourG }
        if !names.isDisjoint(with: umts) { return .threeG }
        if !names.isDisjoint(with: gsm) { return .twoG }
        return nil
    }

    private static func modemInfo(
        _ data: Data
    ) throws(ModemSignalError) -> (
        operatorCode: String?, technologies: [String], state: String?
    ) {
        let root = try self.object(data, name: "modem output")
        guard let modem = root["modem"] as? [String: Any] else {
            throw ModemSignalError(
                .unrecognizedOutput, context: "modem output", "no modem object (not `mmcli -m <modem> --output-json`?)")
        }
        let threeGPP = modem["3gpp"] as? [String: Any]
        let generic = modem["generic"] as? [String: Any]
        var operatorCode: String?
        if let code = threeGPP?["operator-code"] as? String, code != "--" {
            guard let made = OperatorCode.make(plmn: code) else {
                throw ModemSignalError(
                    .badNumber, context: "modem.3gpp.operator-code", "expected MCC and MNC digits, got \"\(code)\"")
            }
            operatorCode = made
        }
        let technologies = generic?["access-technologies"] as? [String] ?? []
        let state = (generic?["state"] as? String).flatMap { $0 == "--" ? nil : $0 }
        return (operatorCode, technologies, state)
    }

    private static func object(_ data: Data, name: String) throws(ModemSignalError) -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ModemSignalError(.unrecognizedOutput, context: name, "not JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else {
            throw ModemSignalError(.unrecognizedOutput, context: name, "expected a JSON object")
        }
        return object
    }
}
