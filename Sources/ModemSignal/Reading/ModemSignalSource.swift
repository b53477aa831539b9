/// The tool a reading came from.
public enum ModemSignalSource: String, Sendable, Hashable, CaseIterable, Codable {
    /// ModemManager's `mmcli`.
    case mmcli
    /// libqmi's `qmicli`.
    case qmicli
    /// Quectel's `AT+QENG="servingcell"` on the modem's AT serial port.
    case quectel
}
