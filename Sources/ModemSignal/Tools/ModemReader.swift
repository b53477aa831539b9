import Foundation

/// Takes one reading from a modem by running its tool: the commands `netmon signal read` runs and the gateway's
/// signal monitor runs every interval. Blocking (it runs processes or talks to a serial port): call it from a
/// thread that may block.
public struct ModemReader: Sendable, Hashable {
    public var source: ModemSignalSource
    /// The ModemManager modem for mmcli (index, D-Bus path or `any`); the QMI device for qmicli; the AT port for
    /// quectel.
    public var device: String
    /// How a Quectel module writes the LTE SINR.
    public var lteSINR: QuectelSINRScale
    /// How long each command (or the modem) may take to answer.
    public var timeout: Duration

    public init(
        source: ModemSignalSource, device: String?, lteSINR: QuectelSINRScale = .fifthsFromMinus20,
        timeout: Duration = .seconds(20)
    ) {
        self.source = source
        self.device = device ?? (source == .mmcli ? "any" : "")
        self.lteSINR = lteSINR
        self.timeout = timeout
    }

    /// The signal and operator commands of mmcli and qmicli, in the order they run.
    public var signalCommand: [String] {
        switch self.source {
        case .mmcli: ["mmcli", "-m", self.device, "--signal-get", "--output-json"]
        case .qmicli: ["qmicli", "-d", self.device, "-p", "--nas-get-signal-info"]
        case .quectel: []
        }
    }

    public var infoCommand: [String] {
        switch self.source {
        case .mmcli: ["mmcli", "-m", self.device, "--output-json"]
        case .qmicli: ["qmicli", "-d", self.device, "-p", "--nas-get-serving-system"]
        case .quectel: []
        }
    }

    /// One reading, taken at `time`.
    public func read(time: Date = Date()) throws(ModemSignalError) -> ModemSignalReading {
        switch self.source {
        case .mmcli:
            let signal = try ModemTool.run(self.signalCommand, timeout: self.timeout)
            let info = try ModemTool.run(self.infoCommand, timeout: self.timeout)
            return try MMCLISignalParser.parse(signal: signal, modem: info, time: time)
        case .qmicli:
            let signal = try ModemTool.run(self.signalCommand, timeout: self.timeout)
            let serving = try ModemTool.run(self.infoCommand, timeout: self.timeout)
            return try QMICLISignalParser.parse(
                signal: String(decoding: signal, as: UTF8.self),
                servingSystem: String(decoding: serving, as: UTF8.self), time: time)
        case .quectel:
            let answer = try QuectelSerialPort.query(device: self.device, timeout: self.timeout)
            return try QuectelServingCellParser.parse(answer, time: time, lteSINR: self.lteSINR)
        }
    }

    /// Makes ModemManager poll the extended signal every `seconds` (`mmcli -m M --signal-setup=SECONDS`), without
    /// which `--signal-get` gives no values. Does nothing for the other sources.
    public func setUpPolling(seconds: Int) throws(ModemSignalError) {
        guard self.source == .mmcli else { return }
        _ = try ModemTool.run(["mmcli", "-m", self.device, "--signal-setup=\(max(1, seconds))"], timeout: self.timeout)
    }
}
