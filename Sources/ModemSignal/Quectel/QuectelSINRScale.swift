/// How a Quectel module writes the LTE SINR of `AT+QENG="servingcell"`.
///
/// Quectel's LTE AT manuals (EC2x/EG2x family) document the SINR as a "logarithmic value of SINR. Values are in
/// 1/5th of a dB. Range: 0–250, which translates to −20 dB to +30 dB": dB = value / 5 − 20. Later firmwares
/// (the RM5xx 5G modules, EC200x) write the LTE SINR in dB already: the RM500Q output in libqmi pull request 2
/// shows SINR 25 where qmicli reads 30.0 dB from the same modem, and luci-app-3ginfo-lite issue 43 notes of the
/// EC200T that "SINR value requires no conversion". The NR SINR of the `NR5G-SA` and `NR5G-NSA` forms is read
/// in dB on every module.
public enum QuectelSINRScale: String, Sendable, Hashable, CaseIterable {
    /// The documented 1/5 dB steps from −20 dB: dB = value / 5 − 20.
    case fifthsFromMinus20 = "fifths"
    /// The value is in dB.
    case decibels = "db"

    func decibels(_ raw: Double) -> Double {
        switch self {
        case .fifthsFromMinus20: raw / 5 - 20
        case .decibels: raw
        }
    }
}
