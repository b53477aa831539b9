/// A measured signal quantity, named as in the canonical report format.
public enum SignalMetric: String, Sendable, Hashable, CaseIterable, Codable {
    /// LTE reference signal received power (also the LTE anchor of a 5G NSA connection).
    case rsrpDbm = "rsrp_dbm"
    case rsrqDb = "rsrq_db"
    case sinrDb = "sinr_db"
    /// 5G NR synchronisation signal RSRP.
    case nrSsRsrpDbm = "nr_ss_rsrp_dbm"
    case nrSsRsrqDb = "nr_ss_rsrq_db"
    case nrSsSinrDb = "nr_ss_sinr_db"
    /// 3G received signal code power.
    case rscpDbm = "rscp_dbm"
    case ecioDb = "ecio_db"
    /// 2G received signal strength.
    case rssiDbm = "rssi_dbm"

    /// The physically meaningful range; values outside it are dropped on import and counted.
    ///
    /// RSRP −140…−44, SS-RSRP −156…−31 and RSCP −120…−25 dBm follow 3GPP reporting ranges; the
    /// others are the widest 3GPP reporting ranges (RSRQ −34…2.5 with the extended range, SINR −23…40,
    /// SS-RSRQ −43…20, Ec/Io −24…0, RSSI −113…−51).
    @inlinable
    public var validRange: ClosedRange<Double> {
        switch self {
        case .rsrpDbm: -140 ... -44
        case .rsrqDb: -34...2.5
        case .sinrDb: -23...40
        case .nrSsRsrpDbm: -156 ... -31
        case .nrSsRsrqDb: -43...20
        case .nrSsSinrDb: -23...40
        case .rscpDbm: -120 ... -25
        case .ecioDb: -24...0
        case .rssiDbm: -113 ... -51
        }
    }

    /// Dense index for counters.
    public var index: Int { Self.allCases.firstIndex(of: self)! }
}
