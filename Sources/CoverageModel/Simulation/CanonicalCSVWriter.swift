import NetmonProtocol

/// Writes reports as canonical CSV (the format the canonical reader reads), streaming through a sink.
public final class CanonicalCSVWriter {
    private let sink: any ByteSink
    private var buffer: [UInt8] = []
    /// The columns written, in order.
    public static let header = ReportField.allCases.map(\.rawValue)
    /// Offset used when writing times (seconds east of UTC; +07:00 for Việt Nam by default).
    private let offsetSeconds: Int

    public init(sink: any ByteSink, offsetSeconds: Int = 7 * 3600) {
        self.sink = sink
        self.offsetSeconds = offsetSeconds
        self.buffer.reserveCapacity(1 << 17)
        self.buffer.append(contentsOf: Self.header.joined(separator: ",").utf8)
        self.buffer.append(10)
    }

    public func write(_ r: SignalReport) throws {
        if let t = r.time { self.appendTime(t) }
        self.buffer.append(44)
        GeoJSONWriter.appendCoordinate(r.lat, to: &self.buffer)
        self.buffer.append(44)
        GeoJSONWriter.appendCoordinate(r.lon, to: &self.buffer)
        self.buffer.append(44)
        self.buffer.append(contentsOf: r.technology.rawValue.utf8)
        self.buffer.append(44)
        if let op = r.operatorCode { self.appendText(op) }
        for metric in SignalMetric.allCases {
            self.buffer.append(44)
            if let v = r[metric] { self.appendNumber(v) }
        }
        for v in [r.dlKbps, r.ulKbps] {
            self.buffer.append(44)
            if let v { self.appendNumber(v) }
        }
        self.buffer.append(44)
        if let d = r.device { self.appendText(d) }
        self.buffer.append(10)
        if self.buffer.count >= 1 << 16 { try self.flush() }
    }

    public func finish() throws { try self.flush() }

    private func flush() throws {
        guard !self.buffer.isEmpty else { return }
        try self.sink.write(self.buffer)
        self.buffer.removeAll(keepingCapacity: true)
    }

    private func appendNumber(_ v: Double) {
        if v == v.rounded() && abs(v) < 1e15 {
            self.buffer.append(contentsOf: String(Int64(v)).utf8)
        } else {
            GeoJSONWriter.appendCoordinate(v, to: &self.buffer)
        }
    }

    private func appendText(_ s: String) {
        if s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            self.buffer.append(34)
            for b in s.utf8 {
                if b == 34 { self.buffer.append(34) }
                self.buffer.append(b)
            }
            self.buffer.append(34)
        } else {
            self.buffer.append(contentsOf: s.utf8)
        }
    }

    private func two(_ v: Int64) {
        self.buffer.append(UInt8(48 + v / 10))
        self.buffer.append(UInt8(48 + v % 10))
    }

    /// ISO 8601 with the writer's offset, whole seconds (fractions kept to milliseconds if present).
    private func appendTime(_ t: Double) {
        let whole = Int64(t.rounded(.down))
        let local = whole + Int64(self.offsetSeconds)
        let days = floorDiv(local, 86_400)
        let secs = local - days * 86_400
        let (y, m, d) = CivilDate.civil(fromDays: days)
        self.buffer.append(contentsOf: String(y).utf8)
        self.buffer.append(45)
        self.two(m)
        self.buffer.append(45)
        self.two(d)
        self.buffer.append(84)
        self.two(secs / 3600)
        self.buffer.append(58)
        self.two(secs / 60 % 60)
        self.buffer.append(58)
        self.two(secs % 60)
        let millis = Int64(((t - Double(whole)) * 1000).rounded())
        if millis > 0 && millis < 1000 {
            self.buffer.append(46)
            self.buffer.append(contentsOf: String(format3(millis)).utf8)
        }
        let off = self.offsetSeconds
        if off == 0 {
            self.buffer.append(90)
        } else {
            self.buffer.append(off < 0 ? 45 : 43)
            self.two(Int64(abs(off) / 3600))
            self.buffer.append(58)
            self.two(Int64(abs(off) / 60 % 60))
        }
    }

    private func format3(_ v: Int64) -> String {
        let s = String(v)
        return String(repeating: "0", count: 3 - s.count) + s
    }
}
