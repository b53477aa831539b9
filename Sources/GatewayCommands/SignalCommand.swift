import ArgumentParser
import Foundation
import ModemSignal
import NetmonProtocol

extension Gateway {
    /// `netmon signal`: the gateway's modem as a fixed signal monitor.
    public struct Signal: ParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "signal",
            abstract: "Read the mobile signal of the gateway's modem.",
            subcommands: [SignalRead.self]
        )
    }

    /// `netmon signal read`: one reading of the modem, printed as the signal report it gives.
    public struct SignalRead: ParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "read",
            abstract: "Take one signal reading from the modem and print it.",
            discussion: """
                Sources:
                  mmcli    ModemManager: `mmcli -m M --signal-get --output-json` and `mmcli -m M --output-json` \
                (operator, access technology). ModemManager polls the extended signal only after \
                `mmcli -m M --signal-setup=SECONDS` (e.g. 30); until then every value is "--" and this command \
                says so.
                  qmicli   libqmi: `qmicli -d D -p --nas-get-signal-info` and `--nas-get-serving-system` (operator).
                  quectel  AT+QENG="servingcell" written to the modem's AT port D (e.g. /dev/ttyUSB2); the LTE \
                SINR scaling is chosen with --lte-sinr.
                With --from-file the saved output is read instead of running the tool: the signal output for \
                mmcli and qmicli, the AT answer for quectel; --info-file adds the saved modem (mmcli) or serving \
                system (qmicli) output.
                Exit status: 0 for a reading (also "no service"); 2 when the tool is not installed, the device \
                cannot be opened or a file cannot be read; 3 when the output cannot be read (malformed, the tool \
                or the modem reported an error, signal polling off); 4 when the tool or modem did not answer in \
                time; 64 for usage errors.
                """
        )

        @Option(name: .long, help: "Where the reading comes from: mmcli, qmicli or quectel.")
        var source: ModemSignalSource

        @Option(
            name: .long, help: "The QMI device for qmicli (/dev/cdc-wdm0) or the AT port for quectel (/dev/ttyUSB2).")
        var device: String?

        @Option(name: .long, help: "The ModemManager modem for mmcli: index, path or 'any'.")
        var modem = "any"

        @Option(name: .long, help: "Read a saved signal output (or the AT answer) instead of running the tool.")
        var fromFile: String?

        @Option(name: .long, help: "With --from-file: the saved mmcli modem output or qmicli serving-system output.")
        var infoFile: String?

        @Option(
            name: .long,
            help:
                "How the Quectel module writes LTE SINR: 'fifths' (documented: value/5 − 20 dB) or 'db' (RM5xx, EC200x)."
        )
        var lteSinr: QuectelSINRScale = .fifthsFromMinus20

        @Option(name: .long, help: "How long the tool or the modem may take to answer, in seconds.")
        var timeout: Double = 20

        @Flag(name: .long, help: "Print the reading as JSON (snake_case, RFC 3339 time) instead of lines.")
        var json = false

        public func validate() throws {
            guard self.timeout > 0, self.timeout <= 600 else {
                throw ValidationError("--timeout must be between 0 and 600 seconds.")
            }
            if self.infoFile != nil, self.fromFile == nil {
                throw ValidationError("--info-file goes with --from-file.")
            }
            if self.fromFile == nil, self.device == nil, self.source != .mmcli {
                throw ValidationError("--source \(self.source.rawValue) needs --device (or --from-file).")
            }
        }

        public func run() throws {
            let reading: ModemSignalReading
            do {
                reading = try self.read(time: Date())
            } catch {
                FileHandle.standardError.write(Data("netmon signal read: \(error)\n".utf8))
                throw ExitCode(Self.exitStatus(error.code))
            }
            if self.json {
                let data = try WireCoding.makeEncoder().encode(reading)
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(Self.lines(reading))
            }
        }

        static func exitStatus(_ code: ModemSignalError.Code) -> Int32 {
            switch code {
            case .unavailable: 2
            case .unrecognizedOutput, .badNumber, .missingField, .toolError, .signalPollingDisabled: 3
            case .timeout: 4
            }
        }

        private func read(time: Date) throws(ModemSignalError) -> ModemSignalReading {
            let timeout = Duration.milliseconds(Int64((self.timeout * 1000).rounded()))
            let reader = ModemReader(
                source: self.source, device: self.source == .mmcli ? self.modem : self.device, lteSINR: self.lteSinr,
                timeout: timeout)
            guard let path = self.fromFile else { return try reader.read(time: time) }
            let saved = try Self.file(path)
            var info: Data?
            if let infoPath = self.infoFile { info = try Self.file(infoPath) }
            switch self.source {
            case .mmcli:
                return try MMCLISignalParser.parse(signal: saved, modem: info, time: time)
            case .qmicli:
                return try QMICLISignalParser.parse(
                    signal: String(decoding: saved, as: UTF8.self),
                    servingSystem: info.map { String(decoding: $0, as: UTF8.self) }, time: time)
            case .quectel:
                return try QuectelServingCellParser.parse(
                    String(decoding: saved, as: UTF8.self), time: time, lteSINR: self.lteSinr)
            }
        }

        private static func file(_ path: String) throws(ModemSignalError) -> Data {
            do {
                return try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ModemSignalError(.unavailable, context: path, "cannot read: \(error.localizedDescription)")
            }
        }

        /// The human form: one line per fact, metrics with their units.
        static func lines(_ reading: ModemSignalReading) -> String {
            var lines = [
                "time        \(reading.time.formatted(.iso8601))",
                "source      \(reading.source.rawValue)",
                "technology  \(reading.technology.rawValue)",
                "operator    \(reading.operatorCode ?? "-")",
                "state       \(reading.state ?? "-")",
            ]
            for (metric, value) in reading.metrics {
                let name = metric.rawValue
                let unit = name.hasSuffix("_dbm") ? "dBm" : "dB"
                let label = name.replacingOccurrences(of: "_dbm", with: "").replacingOccurrences(of: "_db", with: "")
                lines.append("\(label.padding(toLength: 12, withPad: " ", startingAt: 0))\(Self.format(value)) \(unit)")
            }
            if reading.metrics.isEmpty { lines.append("(no signal values)") }
            return lines.joined(separator: "\n")
        }

        private static func format(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e6 ? String(Int64(value)) : String(format: "%.1f", value)
        }
    }
}

extension ModemSignalSource: ExpressibleByArgument {}
extension QuectelSINRScale: ExpressibleByArgument {}
