import Foundation

/// Reads libqmi's `qmicli -d DEV --nas-get-signal-info` and, optionally, `qmicli -d DEV --nas-get-serving-system`.
///
/// The signal output is a header line (`[/dev/cdc-wdm0] Successfully got signal info`) and one block per
/// technology the modem measures: a line `LTE:`, `5G:`, `WCDMA:`, `GSM:` (`CDMA:`, `HDR:`, `TDMA:` are skipped)
/// followed by indented `NAME: 'value unit'` lines (`RSSI`, `RSRQ`, `RSRP`, `SNR`, `ECIO`, `RSCP`). qmicli prints
/// the 5G values as the modem gives them, and the modem gives −32768 when the NR leg is not active (libqmi
/// pull request 2, "if the signal is not active the value -32768 is returned"): that is read as no value.
///
/// The serving-system output gives `Registration state`, the `Radio interfaces` (`[0]: 'lte'`, `[1]: '5gnr'`) and,
/// under `Current PLMN:`, `MCC` and `MNC`. qmicli prints the MNC as a number (`'4'` for 04); it is made two digits
/// unless it has three or the output says `MNC with PCS digit: 'yes'`.
public enum QMICLISignalParser {
    public static func parse(
        signal: String, servingSystem: String? = nil, time: Date
    ) throws(ModemSignalError)
        -> ModemSignalReading
    {
        var blocks: [String: [String: Double]] = [:]
        var current: String?
        var sawHeader = false
        for (index, rawLine) in signal.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
        {
            let lineNumber = index + 1
            let line = rawLine.trimming([" ", "\t", "\r"])
            if line.isEmpty { continue }
            if line.hasPrefix("error:") {
                throw ModemSignalError(.toolError, context: "line \(lineNumber)", line)
            }
            if line.hasPrefix("[") {
                if line.contains("Successfully got signal info") { sawHeader = true }
                continue
            }
            if line.hasSuffix(":"), !line.contains("'") {
                current = String(line.dropLast())
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw ModemSignalError(.unrecognizedOutput, context: "line \(lineNumber)", "expected NAME: 'value'")
            }
            guard let block = current else {
                throw ModemSignalError(
                    .unrecognizedOutput, context: "line \(lineNumber)", "a value before any technology block")
            }
            let name = line[..<colon].trimming([" "]).uppercased()
            let context = "line \(lineNumber) (\(block) \(name))"
            // qmicli prints ECIO as "-7.5 dBm" on some versions; it is a ratio in dB either way (units are dropped).
            guard let value = try SignalNumber.parse(line[line.index(after: colon)...], context: context),
                value != -32768
            else { continue }
            blocks[block, default: [:]][name] = value
        }
        guard sawHeader || !blocks.isEmpty else {
            throw ModemSignalError(
                .unrecognizedOutput, context: "signal output",
                "no signal info (not `qmicli --nas-get-signal-info` output?)")
        }

        var serving: (operatorCode: String?, interfaces: [String], state: String?) = (nil, [], nil)
        if let servingSystem { serving = try self.servingSystem(servingSystem) }

        let lte = blocks["LTE"]
        let nr = blocks["5G"] ?? blocks["NR5G"]
        let wcdma = blocks["WCDMA"] ?? blocks["UMTS"]
        let gsm = blocks["GSM"]
        let interfaces = Set(serving.interfaces)
        let technology: RadioAccess
        if interfaces.contains("5gnr") {
            technology = interfaces.contains("lte") || lte != nil ? .fiveGNonStandalone : .fiveGStandalone
        } else if nr != nil {
            technology = lte != nil ? .fiveGNonStandalone : .fiveGStandalone
        } else if interfaces.contains("lte") || lte != nil {
            technology = .fourG
        } else if interfaces.contains("umts") || interfaces.contains("td-scdma") || wcdma != nil {
            technology = .threeG
        } else if interfaces.contains("gsm") || gsm != nil {
            technology = .twoG
        } else {
            technology = .noService
        }

        var reading = ModemSignalReading(
            time: time, source: .qmicli, technology: technology, operatorCode: serving.operatorCode,
            state: serving.state)
        switch technology {
        case .fourG, .fiveGNonStandalone:
            reading.rsrpDbm = lte?["RSRP"]
            reading.rsrqDb = lte?["RSRQ"]
            reading.sinrDb = lte?["SNR"] ?? lte?["SINR"]
            reading.rssiDbm = lte?["RSSI"]
        case .threeG:
            reading.rscpDbm = wcdma?["RSCP"]
            reading.ecioDb = wcdma?["ECIO"]
            reading.rssiDbm = wcdma?["RSSI"]
        case .twoG:
            reading.rssiDbm = gsm?["RSSI"]
        case .fiveGStandalone, .noService:
            break
        }
        if technology == .fiveGNonStandalone || technology == .fiveGStandalone {
            reading.nrSsRsrpDbm = nr?["RSRP"]
            reading.nrSsRsrqDb = nr?["RSRQ"]
            reading.nrSsSinrDb = nr?["SNR"] ?? nr?["SINR"]
        }
        return reading
    }

    private static func servingSystem(
        _ text: String
    ) throws(ModemSignalError) -> (
        operatorCode: String?, interfaces: [String], state: String?
    ) {
        var mcc: String?
        var mnc: String?
        var pcsDigit = false
        var interfaces: [String] = []
        var state: String?
        var sawHeader = false
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimming([" ", "\t", "\r"])
            if line.hasPrefix("error:") {
                throw ModemSignalError(.toolError, context: "serving system line \(index + 1)", line)
            }
            if line.contains("Successfully got serving system") { sawHeader = true }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimming([" "])
            let value = line[line.index(after: colon)...].trimming([" ", "'"])
            switch key {
            case "Registration state": state = value
            case "MCC": mcc = mcc ?? value
            case "MNC": mnc = mnc ?? value
            case "MNC with PCS digit": pcsDigit = value == "yes"
            default:
                if key.hasPrefix("["), key.hasSuffix("]") { interfaces.append(value) }
            }
        }
        guard sawHeader else {
            throw ModemSignalError(
                .unrecognizedOutput, context: "serving system",
                "no serving system (not `qmicli --nas-get-serving-system` output?)")
        }
        var operatorCode: String?
        if let mcc, let mnc {
            guard let made = OperatorCode.make(mcc: mcc, mnc: mnc, threeDigits: pcsDigit) else {
                throw ModemSignalError(
                    .badNumber, context: "serving system Current PLMN", "MCC '\(mcc)' MNC '\(mnc)' are not digits")
            }
            operatorCode = made
        }
        return (operatorCode, interfaces, state)
    }
}
