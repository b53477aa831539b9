/// The speed a technology must reach in a cell: the median download and, when given, the median upload of the
/// cell's rate-carrying reports, in Mbit/s (1 Mbit/s = 1000 kbit/s).
public struct SpeedThreshold: Sendable, Hashable {
    public var downloadMbps: Double
    /// nil: upload is not judged (e.g. QCVN 126:2021/BTTTT sets a download figure only).
    public var uploadMbps: Double?

    public init(downloadMbps: Double, uploadMbps: Double?) {
        self.downloadMbps = downloadMbps
        self.uploadMbps = uploadMbps
    }

    /// The FCC Broadband Data Collection's mobile speed tiers at H3 resolution 8: 4G LTE 5/1 Mbit/s,
    /// 5G-NR 7/1 Mbit/s.
    public static let fccBDC: [Technology: SpeedThreshold] = [
        .fourG: SpeedThreshold(downloadMbps: 5, uploadMbps: 1),
        .fiveG: SpeedThreshold(downloadMbps: 7, uploadMbps: 1),
    ]
}
