import Foundation
import MeasurementStore

/// The coverage trend of the province or one commune as SVG, against the province's targets: the 3G/4G/5G
/// covered area ratios over time with the 5G target as a dashed line, a strip that is green where "4G in every
/// commune" (for a commune: 4G in it) is met and red where not, and the dead zones with their limit.
///
/// Target elements carry `data-target` (`5g_area_ratio`, `4g_every_commune`, `max_dead_zones`), series
/// `data-series` (`3G`, `4G`, `5G`, `dead_zones`). Times are labelled in the province's time zone (UTC+07:00).
enum CoverageTrendGraph {
    struct Targets {
        var fourGEveryCommune: Bool
        var fiveGAreaRatio: Double?
        var maxDeadZones: Int?
    }

    static let seriesColours: [(String, String)] = [("3G", "#9e9e9e"), ("4G", "#2166ac"), ("5G", "#1a9850")]

    static func render(
        points: [CoverageHistoryPoint], title: String, targets: Targets, isProvince: Bool, width: Int = 800,
        height: Int = 320
    ) -> String {
        let left = 56.0
        let right = 16.0
        let top = 28.0
        let ratioHeight = 150.0
        let stripTop = top + ratioHeight + 10
        let stripHeight = 10.0
        let zonesTop = stripTop + stripHeight + 12
        let zonesHeight = 60.0
        let w = Double(width) - left - right
        let times = points.map { $0.computedAt.timeIntervalSince1970 }
        var t0 = times.first ?? 0
        var t1 = times.last ?? 1
        if t1 - t0 < 3600 {
            t0 -= 1800
            t1 += 1800
        }
        func x(_ t: Double) -> Double { left + (t - t0) / (t1 - t0) * w }
        func yRatio(_ r: Double) -> Double { top + ratioHeight - min(max(r, 0), 1) * ratioHeight }
        let zoneMax = Double(max((points.map(\.deadZones).max() ?? 0), targets.maxDeadZones ?? 0, 1))
        let zoneTop = SmokeGraph.niceCeiling(zoneMax * 1.1)
        func yZones(_ n: Double) -> Double { zonesTop + zonesHeight - min(n, zoneTop) / zoneTop * zonesHeight }

        var s = SVGDocument.opening(width: width, height: height, title: title, headingX: f(left))
        // Ratio panel: grid every 20 %.
        for k in 0...5 {
            let r = Double(k) / 5
            let yy = f(yRatio(r))
            s += "<line x1=\"\(f(left))\" y1=\"\(yy)\" x2=\"\(f(left + w))\" y2=\"\(yy)\" stroke=\"#e0e0e0\"/>"
            s +=
                "<text x=\"\(f(left - 4))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(k * 20)%</text>\n"
        }
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w))\" height=\"\(f(ratioHeight))\" fill=\"none\" stroke=\"#888\"/>\n"
        if let target = targets.fiveGAreaRatio {
            let yy = f(yRatio(target))
            s +=
                "<line data-target=\"5g_area_ratio\" x1=\"\(f(left))\" y1=\"\(yy)\" x2=\"\(f(left + w))\" y2=\"\(yy)\" stroke=\"#1a9850\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
            s +=
                "<text x=\"\(f(left + w - 4))\" y=\"\(f(yRatio(target) - 4))\" text-anchor=\"end\" fill=\"#1a9850\">5G target \(SmokeGraph.label(target * 100))%</text>\n"
        }
        let ratios: [(String, KeyPath<CoverageHistoryPoint, Double?>)] = [
            ("3G", \.threeGAreaRatio), ("4G", \.fourGAreaRatio), ("5G", \.fiveGAreaRatio),
        ]
        for ((name, colour), (_, path)) in zip(seriesColours, ratios) {
            let xy = points.compactMap { p in
                p[keyPath: path].map { (f(x(p.computedAt.timeIntervalSince1970)), f(yRatio($0))) }
            }
            guard !xy.isEmpty else { continue }
            s +=
                "<polyline data-series=\"\(name)\" points=\"\(xy.map { "\($0.0),\($0.1)" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            for (cx, cy) in xy { s += "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"2\" fill=\"\(colour)\"/>" }
            s += "\n"
        }
        // 4G strip: met (green) or not (red) from each point to the next.
        let fourGLabel = isProvince ? "4G in every commune" : "4G in the commune"
        s +=
            "<g data-target=\"4g_every_commune\"><text x=\"\(f(left - 4))\" y=\"\(f(stripTop + stripHeight - 1))\" text-anchor=\"end\" font-size=\"9\">4G</text>"
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(stripTop))\" width=\"\(f(w))\" height=\"\(f(stripHeight))\" fill=\"#eeeeee\"/>"
        for (i, p) in points.enumerated() {
            let x0 = x(p.computedAt.timeIntervalSince1970)
            let x1 = i + 1 < points.count ? x(points[i + 1].computedAt.timeIntervalSince1970) : left + w
            let met = p.communesWithFourG >= p.communes
            s +=
                "<rect x=\"\(f(x0))\" y=\"\(f(stripTop))\" width=\"\(f(max(x1 - x0, 1)))\" height=\"\(f(stripHeight))\" fill=\"\(met ? "#1a9850" : "#d73027")\"><title>\(xml(fourGLabel)): \(met ? "met" : "not met") (\(p.communesWithFourG)/\(p.communes))</title></rect>"
        }
        s += "</g>\n"
        // Dead zones panel.
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(zonesTop))\" width=\"\(f(w))\" height=\"\(f(zonesHeight))\" fill=\"none\" stroke=\"#888\"/>"
        s +=
            "<text x=\"\(f(left - 4))\" y=\"\(f(zonesTop + 8))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(SmokeGraph.label(zoneTop))</text>"
        s +=
            "<text x=\"\(f(left - 4))\" y=\"\(f(zonesTop + zonesHeight))\" text-anchor=\"end\" dominant-baseline=\"middle\">0</text>\n"
        if let limit = targets.maxDeadZones {
            let yy = f(yZones(Double(limit)))
            s +=
                "<line data-target=\"max_dead_zones\" x1=\"\(f(left))\" y1=\"\(yy)\" x2=\"\(f(left + w))\" y2=\"\(yy)\" stroke=\"#d73027\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
            s +=
                "<text x=\"\(f(left + w - 4))\" y=\"\(f(yZones(Double(limit)) - 4))\" text-anchor=\"end\" fill=\"#d73027\">dead zones ≤ \(limit)</text>\n"
        }
        if !points.isEmpty {
            var path = ""
            for (i, p) in points.enumerated() {
                let xx = x(p.computedAt.timeIntervalSince1970)
                let yy = yZones(Double(p.deadZones))
                path += i == 0 ? "M\(f(xx)) \(f(yy))" : "H\(f(xx))V\(f(yy))"
            }
            path += "H\(f(left + w))"
            s +=
                "<path data-series=\"dead_zones\" d=\"\(path)\" fill=\"none\" stroke=\"#252525\" stroke-width=\"2\"/>\n"
        } else {
            s +=
                "<text x=\"\(f(left + w / 2))\" y=\"\(f(yRatio(0.5)))\" text-anchor=\"middle\" fill=\"#777\">no coverage history yet</text>\n"
        }
        // Time labels (UTC+07:00) and legend.
        let axisY = zonesTop + zonesHeight + 14
        for k in 0...4 {
            let t = t0 + (t1 - t0) * Double(k) / 4
            s +=
                "<text x=\"\(f(left + w * Double(k) / 4))\" y=\"\(f(axisY))\" text-anchor=\"middle\">\(timeLabel(t, span: t1 - t0))</text>"
        }
        var lx = left
        let ly = Double(height) - 8
        for (name, colour) in seriesColours {
            s +=
                "<rect x=\"\(f(lx))\" y=\"\(f(ly - 8))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/><text x=\"\(f(lx + 13))\" y=\"\(f(ly))\">\(name) area</text>"
            lx += 70
        }
        s +=
            "<rect x=\"\(f(lx))\" y=\"\(f(ly - 8))\" width=\"10\" height=\"10\" fill=\"#252525\"/><text x=\"\(f(lx + 13))\" y=\"\(f(ly))\">dead zones</text>"
        s +=
            "<text x=\"\(f(left + w))\" y=\"\(f(ly))\" text-anchor=\"end\">\(points.count) points, UTC+07:00</text>\n</svg>\n"
        return s
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A time in the province's zone: `MM-DD HH:MM` over spans longer than two days, else `HH:MM`.
    private static func timeLabel(_ seconds: Double, span: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        let c = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: seconds))
        let hm = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        if span > 60 * 86_400 { return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0) }
        return span > 2 * 86_400 ? String(format: "%02d-%02d ", c.month ?? 0, c.day ?? 0) + hm : hm
    }
}
