import CoverageModel

/// The H3 cells that gateway modems' reports fell in, and the cells layer marked with them: every feature of the
/// `cells` snapshot gets `gateway` (whether gateway reports contributed to the cell) and `gateway_reports`.
///
/// Gateways stand still, so a gateway's cell is worked out once per position and remembered.
struct GatewayCells: Sendable {
    let resolution: Int
    /// Gateway reports by cell (H3 index text).
    private(set) var counts: [String: Int] = [:]
    private var cellByPosition: [LatLng: String] = [:]

    init(resolution: Int) { self.resolution = resolution }

    /// Counts `report` when it came from a gateway (device `gateway:<code>`).
    mutating func add(_ report: SignalReport) {
        guard report.device?.hasPrefix("gateway:") == true else { return }
        let position = LatLng(lat: report.lat, lng: report.lon)
        let cell: String
        if let known = self.cellByPosition[position] {
            cell = known
        } else {
            cell = H3.latLngToCell(position, resolution: self.resolution).description
            self.cellByPosition[position] = cell
        }
        self.counts[cell, default: 0] += 1
    }

    /// Reports counted.
    var total: Int { self.counts.values.reduce(0, +) }

    /// The cells layer as `GeoJSONWriter` wrote it, each feature's properties opening with `"h3":"<cell>"`, with
    /// `"gateway":…,"gateway_reports":…` inserted after that first property.
    func mark(_ layer: String) -> String {
        let opening = #""properties":{"h3":""#
        var out = ""
        out.reserveCapacity(layer.utf8.count + layer.utf8.count / 20)
        var rest = layer[...]
        while let found = rest.range(of: opening) {
            out += rest[..<found.upperBound]
            rest = rest[found.upperBound...]
            guard let close = rest.firstIndex(of: "\"") else { break }
            let cell = String(rest[..<close])
            out += rest[...close]
            rest = rest[rest.index(after: close)...]
            let n = self.counts[cell] ?? 0
            out += #","gateway":\#(n > 0),"gateway_reports":\#(n)"#
        }
        out += rest
        return out
    }
}
