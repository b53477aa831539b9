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

    /// Gateway reports already counted per cell (the store's aggregates).
    init(resolution: Int, counts: [H3Index: Int]) {
        self.resolution = resolution
        for (cell, n) in counts where n > 0 { self.counts[cell.description] = n }
    }

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
    /// `"gateway":…,"gateway_reports":…` inserted after that first property. One pass over the layer's UTF-8
    /// bytes: a national layer holds over 100,000 cells, and searching a `Substring` through Foundation copied the
    /// rest of the layer at every cell (minutes of one core for 3,300 communes, found by bench/national).
    func mark(_ layer: String) -> String {
        let opening = Array(#""properties":{"h3":""#.utf8)
        let quote = UInt8(ascii: "\"")
        let bytes = Array(layer.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        var i = 0
        var copied = 0
        while i + opening.count <= bytes.count {
            guard bytes[i] == opening[0], bytes[i..<(i + opening.count)].elementsEqual(opening) else {
                i += 1
                continue
            }
            let start = i + opening.count
            guard let close = bytes[start...].firstIndex(of: quote) else { break }
            out.append(contentsOf: bytes[copied...close])
            let n = self.counts[String(decoding: bytes[start..<close], as: UTF8.self)] ?? 0
            out.append(contentsOf: #","gateway":\#(n > 0),"gateway_reports":\#(n)"#.utf8)
            copied = close + 1
            i = copied
        }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }
}
