import CoverageModel
import NetmonProtocol

/// The `signal_report` columns in the order every insert and select uses, and the mapping between a row and a
/// ``SignalReport`` (shared by both backends so they store and return identical values).
enum SignalReportColumns {
    /// Columns after `upload_id, ordinal`, in order: time, position, technology, operator, the nine metrics in
    /// ``SignalMetric`` order, throughput, device.
    static let valueColumns: [String] =
        ["time_at", "lat", "lon", "technology", "operator"] + SignalMetric.allCases.map(\.rawValue)
        + ["dl_kbps", "ul_kbps", "device"]

    static let all: [String] = ["upload_id", "ordinal"] + valueColumns

    static var list: String { all.joined(separator: ", ") }

    /// How many optional numbers a row holds after its operator: the nine metrics, then dl/ul kbps.
    static let numberCount = SignalMetric.allCases.count + 2

    /// Qualified select list (`r.upload_id, …`).
    static var qualifiedList: String { all.map { "r.\($0)" }.joined(separator: ", ") }

    /// The optional numbers of a report in column order (the nine metrics, then dl/ul kbps).
    static func numbers(_ r: SignalReport) -> [Double?] {
        SignalMetric.allCases.map { r[$0] } + [r.dlKbps, r.ulKbps]
    }

    /// Rebuilds a report from column values.
    static func report(
        time: Double?, lat: Double, lon: Double, technology: String, operatorCode: String?, numbers: [Double?],
        device: String?
    ) throws -> SignalReport {
        guard let t = Technology(rawValue: technology) else {
            throw StoreError(
                .corrupt, "technology '\(technology)' is not 2G, 3G, 4G, 5G or none", context: "signal_report")
        }
        var r = SignalReport(time: time, lat: lat, lon: lon, technology: t, operatorCode: operatorCode, device: device)
        for (i, metric) in SignalMetric.allCases.enumerated() { r[metric] = numbers[i] }
        r.dlKbps = numbers[SignalMetric.allCases.count]
        r.ulKbps = numbers[SignalMetric.allCases.count + 1]
        return r
    }
}
