import Foundation
import NetmonProtocol

/// Turns one JSON object (a JSON Lines record, or a GeoJSON point feature's properties) into a report.
/// Property names are the canonical field names; numbers may also be given as strings.
enum JSONReportDecoding {
    struct Reason: Error { var text: String }

    static func report(from object: Any, summary: inout ImportSummary) -> Result<SignalReport, Reason> {
        guard let dict = object as? [String: Any] else { return .failure(Reason(text: "not a JSON object")) }
        if (dict["type"] as? String) == "Feature" {
            return Self.report(fromFeature: dict, summary: &summary)
        }
        return Self.report(properties: dict, lat: nil, lon: nil, summary: &summary)
    }

    static func report(fromFeature feature: [String: Any], summary: inout ImportSummary) -> Result<SignalReport, Reason>
    {
        guard let geometry = feature["geometry"] as? [String: Any], (geometry["type"] as? String) == "Point",
            let coordinates = geometry["coordinates"] as? [Any], coordinates.count >= 2,
            let lon = Self.double(coordinates[0]), let lat = Self.double(coordinates[1])
        else { return .failure(Reason(text: "feature has no Point geometry with [lon, lat]")) }
        let properties = feature["properties"] as? [String: Any] ?? [:]
        return Self.report(properties: properties, lat: lat, lon: lon, summary: &summary)
    }

    static func double(_ value: Any?) -> Double? {
        switch value {
        case let n as Double: return n
        case let n as Int: return Double(n)
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }

    private enum Number {
        case missing
        case value(Double)
        case invalid
    }

    private static func number(_ value: Any?) -> Number {
        guard let value, !(value is NSNull) else { return .missing }
        if let s = value as? String {
            switch NumberParsing.parse(s) {
            case .empty: return .missing
            case .value(let v): return .value(v)
            case .invalid: return .invalid
            }
        }
        if let d = Self.double(value), d.isFinite { return .value(d) }
        return .invalid
    }

    static func report(
        properties: [String: Any], lat geoLat: Double?, lon geoLon: Double?, summary: inout ImportSummary
    )
        -> Result<SignalReport, Reason>
    {
        guard let techText = properties["technology"] as? String else {
            return .failure(Reason(text: "technology is missing"))
        }
        guard let technology = Technology(canonical: techText.trimmingSpaces) else {
            return .failure(Reason(text: "unknown technology '\(techText.prefix(40))'"))
        }
        var coordinates: [Double] = []
        for (name, given) in [("lat", geoLat), ("lon", geoLon)] {
            if let given {
                coordinates.append(given)
                continue
            }
            switch Self.number(properties[name]) {
            case .missing: return .failure(Reason(text: "\(name) is missing"))
            case .invalid: return .failure(Reason(text: "\(name) is not a number"))
            case .value(let v): coordinates.append(v)
            }
        }
        if let problem = ReportValidation.checkLatLon(lat: coordinates[0], lon: coordinates[1]) {
            return .failure(Reason(text: problem))
        }
        var report = SignalReport(lat: coordinates[0], lon: coordinates[1], technology: technology)
        switch properties["time"] {
        case nil, is NSNull: break
        case let s as String:
            var text = s
            let parsed = text.withUTF8 { TimestampParsing.parse(UnsafeRawBufferPointer($0), zone: .requireOffset) }
            switch parsed {
            case .empty: break
            case .value(let t): report.time = t
            case .invalid(let why): return .failure(Reason(text: why))
            }
        case let other:
            guard let t = Self.double(other), t.isFinite else {
                return .failure(Reason(text: "time is not a string or number"))
            }
            report.time = t
        }
        if let op = properties["operator"] {
            if let s = op as? String {
                report.operatorCode = ReportValidation.normalizeOperator(s)
            } else if !(op is NSNull) {
                return .failure(Reason(text: "operator is not a string"))
            }
        }
        if let device = properties["device"] as? String, !device.isEmpty { report.device = device }
        for metric in SignalMetric.allCases {
            switch Self.number(properties[metric.rawValue]) {
            case .missing: break
            case .invalid: return .failure(Reason(text: "\(metric.rawValue) is not a number"))
            case .value(let v):
                report[metric] = ReportValidation.accept(v, metric: metric, sentinels: [], summary: &summary)
            }
        }
        for name in ["dl_kbps", "ul_kbps"] {
            switch Self.number(properties[name]) {
            case .missing: break
            case .invalid: return .failure(Reason(text: "\(name) is not a number"))
            case .value(let v):
                if name == "dl_kbps" { report.dlKbps = v >= 0 ? v : nil } else { report.ulKbps = v >= 0 ? v : nil }
            }
        }
        return .success(report)
    }
}
