import Foundation

/// A SmokePing-style graph as SVG: grey bands between the i-th lowest and i-th highest RTT quantiles of each step
/// (darker towards the middle), and the median as a line coloured by that step's loss.
enum SmokeGraph {
    /// Loss colour scale (upper bound of loss ratio → colour), SmokePing's idea with our own colours.
    static let lossColours: [(Double, String, String)] = [
        (0, "#1a9850", "0"), (0.02, "#4575b4", "≤2%"), (0.05, "#5e3c99", "≤5%"), (0.10, "#b2182b", "≤10%"),
        (0.25, "#e66101", "≤25%"), (1.0, "#d7191c", ">25%"),
    ]

    static func colour(loss: Double?) -> String {
        guard let loss else { return "#999999" }
        for (bound, colour, _) in lossColours where loss <= bound { return colour }
        return "#d7191c"
    }

    static func render(series: LinkSeries, title: String, width: Int = 800, height: Int = 260) -> String {
        let left = 56.0
        let right = 12.0
        let top = 28.0
        let bottom = 44.0
        let w = Double(width) - left - right
        let h = Double(height) - top - bottom
        let maxima = series.points.compactMap { $0.smokeMs.isEmpty ? nil : $0.smokeMs[18] }
        let yMax = niceCeiling(max((maxima.max() ?? 10) * 1.15, 1))
        let n = max(series.points.count, 1)
        let bw = w / Double(n)
        func x(_ i: Int) -> Double { left + Double(i) * bw }
        func y(_ ms: Double) -> Double { top + h - min(ms, yMax) / yMax * h }

        var s = SVGDocument.opening(width: width, height: height, title: title, headingX: "\(left)")
        // Grid and y labels.
        for k in 0...4 {
            let v = yMax * Double(k) / 4
            let yy = f(y(v))
            s += "<line x1=\"\(f(left))\" y1=\"\(yy)\" x2=\"\(f(left + w))\" y2=\"\(yy)\" stroke=\"#e0e0e0\"/>"
            s +=
                "<text x=\"\(f(left - 4))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(label(v)) ms</text>\n"
        }
        // Smoke: band i between quantile i and 19-i.
        for band in 0..<10 {
            let opacity = 0.10 + Double(band) * 0.05
            var path = ""
            for (i, p) in series.points.enumerated() where p.smokeMs.count == 20 {
                let lo = p.smokeMs[band]
                let hi = p.smokeMs[19 - band]
                let y1 = y(hi)
                let y2 = y(lo)
                path += "M\(f(x(i))) \(f(y1))h\(f(bw))V\(f(max(y2, y1 + 0.5)))h\(f(-bw))Z"
            }
            if !path.isEmpty { s += "<path d=\"\(path)\" fill=\"#000000\" fill-opacity=\"\(f(opacity))\"/>\n" }
        }
        // Median, coloured by loss; total loss drawn as a red tick at the top.
        for (i, p) in series.points.enumerated() {
            if let m = p.medianMs {
                s +=
                    "<line x1=\"\(f(x(i)))\" y1=\"\(f(y(m)))\" x2=\"\(f(x(i) + bw))\" y2=\"\(f(y(m)))\" stroke=\"\(colour(loss: p.lossRatio))\" stroke-width=\"2\"/>"
            } else if p.sent > 0, p.delayWithheld == nil {
                s += "<rect x=\"\(f(x(i)))\" y=\"\(f(top))\" width=\"\(f(bw))\" height=\"4\" fill=\"#d7191c\"/>"
            }
        }
        s +=
            "\n<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"none\" stroke=\"#888\"/>\n"
        // A direction whose one-way delay was withheld throughout: say why instead of an empty graph.
        if series.direction != nil, series.points.allSatisfy({ $0.medianMs == nil }),
            let reason = series.points.last(where: { $0.delayWithheld != nil })?.delayWithheld
        {
            s +=
                "<text x=\"\(f(left + 8))\" y=\"\(f(top + 18))\">one-way delay withheld: \(xml(reason))</text>\n"
        }
        // X labels: about 6, in UTC.
        let ticks = min(6, n)
        for k in 0...ticks {
            let t = series.from.addingTimeInterval(
                series.to.timeIntervalSince(series.from) * Double(k) / Double(max(ticks, 1)))
            let xx = left + w * Double(k) / Double(max(ticks, 1))
            s +=
                "<text x=\"\(f(xx))\" y=\"\(f(top + h + 14))\" text-anchor=\"middle\">\(timeLabel(t, span: series.to.timeIntervalSince(series.from)))</text>"
        }
        // Legend.
        var lx = left
        let ly = Double(height) - 10
        s += "\n<text x=\"\(f(lx))\" y=\"\(f(ly))\">median, loss:</text>"
        lx += 78
        for (_, c, text) in lossColours {
            s +=
                "<rect x=\"\(f(lx))\" y=\"\(f(ly - 8))\" width=\"10\" height=\"10\" fill=\"\(c)\"/><text x=\"\(f(lx + 13))\" y=\"\(f(ly))\">\(xml(text))</text>"
            lx += 52
        }
        s +=
            "<text x=\"\(f(left + w))\" y=\"\(f(ly))\" text-anchor=\"end\">step \(label(series.stepSeconds)) s, UTC\(series.resolution == .hourly ? ", from hourly rollups" : "")</text>\n</svg>\n"
        return s
    }

    static func niceCeiling(_ v: Double) -> Double {
        let e = pow(10, floor(log10(v)))
        for m in [1.0, 2, 2.5, 5, 10] where m * e >= v { return m * e }
        return 10 * e
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A number for a label: whole numbers without decimals (formatted, never converted to Int, so any finite
    /// value is safe), others with one.
    static func label(_ v: Double) -> String {
        v == v.rounded() ? String(format: "%.0f", v) : String(format: "%.1f", v)
    }

    private static func timeLabel(_ d: Date, span: Double) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone.gmt
        let c = cal.dateComponents([.month, .day, .hour, .minute], from: d)
        let hm = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        return span > 2 * 86400 ? String(format: "%02d-%02d ", c.month ?? 0, c.day ?? 0) + hm : hm
    }
}

/// Escapes text for XML/HTML.
func xml(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}
