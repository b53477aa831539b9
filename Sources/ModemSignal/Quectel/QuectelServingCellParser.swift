import Foundation

/// Reads the answer to Quectel's `AT+QENG="servingcell"`.
///
/// The forms read (field positions after `+QENG:`, counted from 0, from Quectel's AT manuals):
/// - LTE: `"servingcell",<state>,"LTE",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,<UL_bw>,<DL_bw>,<TAC>,
///   <RSRP>,<RSRQ>,<RSSI>,<SINR>,…` (RSRP 13, RSRQ 14, RSSI 15, SINR 16);
/// - WCDMA: `"servingcell",<state>,"WCDMA",<MCC>,<MNC>,<LAC>,<cellID>,<uarfcn>,<PSC>,<RAC>,<RSCP>,<ecio>,…`
///   (RSCP 10, Ec/Io 11);
/// - NR5G-SA: `"servingcell",<state>,"NR5G-SA",<duplex>,<MCC>,<MNC>,<cellID>,<PCID>,<TAC>,<ARFCN>,<band>,<NR_DL_bw>,
///   <RSRP>,<RSRQ>,<SINR>,…` (RSRP 12, RSRQ 13, SINR 14);
/// - EN-DC: a line `"servingcell",<state>`, then `"LTE",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,
///   <UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,…` (RSRP 11 … SINR 14) and
///   `"NR5G-NSA",<MCC>,<MNC>,<PCID>,<RSRP>,<SINR>,<RSRQ>,…` (RSRP 4, SINR 5, RSRQ 6);
/// - GSM: `"servingcell",<state>,"GSM",<MCC>,<MNC>,…`: 2G, operator only;
/// - `"servingcell","SEARCH"` (or any state without a cell): no service.
///
/// `-` is "no value". `<state>` is `SEARCH`, `LIMSRV`, `NOCONN` or `CONNECT` and is kept as the reading's state.
/// Lines without `+QENG:` (the echo, `OK`, other commands' answers, mmcli's `response: '…'` wrapper) are skipped;
/// `ERROR` and `+CME ERROR` are the modem refusing the command.
public enum QuectelServingCellParser {
    public static func parse(
        _ text: String, time: Date, lteSINR: QuectelSINRScale = .fifthsFromMinus20
    )
        throws(ModemSignalError) -> ModemSignalReading
    {
        var state: String?
        var reading = ModemSignalReading(time: time, source: .quectel, technology: .noService)
        var sawServingCell = false
        var sawLTE = false
        var sawNR = false
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let trimmed = rawLine.trimming([" ", "\t", "\r", "'"])
            if trimmed == "ERROR" || trimmed.hasPrefix("+CME ERROR") {
                throw ModemSignalError(.toolError, context: "line \(lineNumber)", "the modem answered \(trimmed)")
            }
            guard let marker = trimmed.range(of: "+QENG:") else { continue }
            let fields = trimmed[marker.upperBound...].split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimming([" ", "\"", "'", "\r"])
            }
            let line = Line(fields: fields, number: lineNumber)
            switch fields.first ?? "" {
            case "servingcell":
                sawServingCell = true
                state = try line.text(1, "state")
                guard fields.count > 2 else { continue }
                switch fields[2] {
                case "LTE":
                    // After `"servingcell",<state>` the LTE form is the EN-DC `"LTE"` line.
                    sawLTE = true
                    try Self.readLTE(line.dropping(2), into: &reading, lteSINR: lteSINR)
                case "WCDMA":
                    reading.technology = .threeG
                    reading.operatorCode = try line.operatorCode(mcc: 3, mnc: 4)
                    reading.rscpDbm = try line.number(10, "RSCP")
                    reading.ecioDb = try line.number(11, "Ec/Io")
                case "NR5G-SA":
                    sawNR = true
                    reading.operatorCode = try line.operatorCode(mcc: 4, mnc: 5)
                    reading.nrSsRsrpDbm = try line.number(12, "RSRP")
                    reading.nrSsRsrqDb = try line.number(13, "RSRQ")
                    reading.nrSsSinrDb = try line.number(14, "SINR")
                case "GSM":
                    reading.technology = .twoG
                    reading.operatorCode = try line.operatorCode(mcc: 3, mnc: 4)
                default:
                    throw ModemSignalError(
                        .unrecognizedOutput, context: "line \(lineNumber)",
                        "unknown serving cell technology \"\(fields[2])\"")
                }
            case "LTE":
                sawLTE = true
                try Self.readLTE(line, into: &reading, lteSINR: lteSINR)
            case "NR5G-NSA":
                sawNR = true
                if reading.operatorCode == nil { reading.operatorCode = try line.operatorCode(mcc: 1, mnc: 2) }
                reading.nrSsRsrpDbm = try line.number(4, "RSRP")
                reading.nrSsSinrDb = try line.number(5, "SINR")
                reading.nrSsRsrqDb = try line.number(6, "RSRQ")
            default:
                // Other +QENG answers (neighbour cells) carry no serving-cell signal.
                continue
            }
        }
        guard sawServingCell || sawLTE || sawNR else {
            throw ModemSignalError(
                .unrecognizedOutput, context: "response", "no +QENG serving cell line (not `AT+QENG=\"servingcell\"`?)")
        }
        if sawNR {
            reading.technology = sawLTE ? .fiveGNonStandalone : .fiveGStandalone
        } else if sawLTE {
            reading.technology = .fourG
        }
        reading.state = state
        return reading
    }

    /// `"LTE",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,<UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>`.
    private static func readLTE(
        _ line: Line, into reading: inout ModemSignalReading, lteSINR: QuectelSINRScale
    )
        throws(ModemSignalError)
    {
        reading.operatorCode = try line.operatorCode(mcc: 2, mnc: 3)
        reading.rsrpDbm = try line.number(11, "RSRP")
        reading.rsrqDb = try line.number(12, "RSRQ")
        reading.rssiDbm = try line.number(13, "RSSI")
        reading.sinrDb = try line.number(14, "SINR").map(lteSINR.decibels)
    }

    /// The fields of one `+QENG:` line, read with its line number for errors (field positions count from 0 on the
    /// whole line, after `+QENG:`).
    private struct Line {
        var fields: ArraySlice<String>
        var number: Int

        init(fields: [String], number: Int) {
            self.fields = fields[...]
            self.number = number
        }

        private init(fields: ArraySlice<String>, number: Int) {
            self.fields = fields
            self.number = number
        }

        /// The same line without its first `count` fields; indices stay those of the whole line in errors.
        func dropping(_ count: Int) -> Line { Line(fields: self.fields.dropFirst(count), number: self.number) }

        func text(_ index: Int, _ name: String) throws(ModemSignalError) -> String {
            let position = self.fields.startIndex + index
            guard position < self.fields.endIndex else {
                throw ModemSignalError(
                    .missingField, context: "line \(self.number)",
                    "no \(name) (field \(position)): the line has \(self.fields.endIndex) fields")
            }
            return self.fields[position]
        }

        func number(_ index: Int, _ name: String) throws(ModemSignalError) -> Double? {
            let text = try self.text(index, name)
            let position = self.fields.startIndex + index
            return try SignalNumber.parse(Substring(text), context: "line \(self.number) field \(position) (\(name))")
        }

        func operatorCode(mcc: Int, mnc: Int) throws(ModemSignalError) -> String? {
            let mccText = try self.text(mcc, "MCC")
            let mncText = try self.text(mnc, "MNC")
            if mccText == "-" || mncText == "-" { return nil }
            guard let code = OperatorCode.make(mcc: mccText, mnc: mncText) else {
                throw ModemSignalError(
                    .badNumber,
                    context:
                        "line \(self.number) fields \(self.fields.startIndex + mcc)-\(self.fields.startIndex + mnc) (MCC, MNC)",
                    "expected digits, got \"\(mccText)\" \"\(mncText)\"")
            }
            return code
        }
    }
}
