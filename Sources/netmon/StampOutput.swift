import Foundation
import NetMonitor
import STAMP

/// What `netmon stamp` prints: a table per target, or one JSON document (`--json`). Milliseconds in both; JSON
/// keys sorted, absent values `null`.
struct StampOutput {
    let json: Bool

    func error(_ message: String) {
        FileHandle.standardError.write(Data("netmon stamp: \(message)\n".utf8))
    }

    func warning(_ message: String) { self.error(message) }

    func summary(rows: [StampRow], reports: [STAMPSessionMetrics?], errors: [[String: Int]]) {
        if self.json {
            let targets = zip(rows, zip(reports, errors)).map { row, pair in
                Self.document(row: row, report: pair.0, errors: pair.1)
            }
            let document: [String: Any] = ["targets": targets]
            if var data = try? JSONSerialization.data(
                withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
            {
                data.append(UInt8(ascii: "\n"))
                FileHandle.standardOutput.write(data)
            }
            return
        }
        var text = ""
        for (row, (report, errors)) in zip(rows, zip(reports, errors)) {
            guard let endpoint = row.endpoint, let report else {
                text += "\(row.label): \(row.error ?? "not measured")\n\n"
                continue
            }
            text += "\(row.label) (\(endpoint)): sent \(report.sent), received \(report.received), lost \(report.lost)"
            text +=
                " (\(Self.percent(report.lossRatio))), late \(report.late), reflector \(report.reflectorMode.rawValue)"
            if let ttl = report.senderTTL { text += ", ttl at reflector \(ttl)" }
            text += "\n"
            var lines: [[String]] = [
                ["", "loss", "min", "median", "mean", "p95", "max", "pdv", "ipdv", "reord", "dup"]
            ]
            for (name, direction, publication) in [
                ("forward", report.forward, report.forwardPublication),
                ("reverse", report.reverse, report.reversePublication),
            ] {
                var cells = [name, Self.loss(direction)]
                if let delay = direction.delay, publication.isPublished {
                    cells += [delay.min, delay.median, delay.mean, delay.p95, delay.max].map { Self.ms($0) }
                } else {
                    cells += Array(repeating: "-", count: 5)
                }
                cells += [
                    direction.pdv.map { Self.ms($0) } ?? "-", direction.ipdvMeanAbsolute.map { Self.ms($0) } ?? "-",
                    "\(direction.reordered)", "\(direction.duplicates)",
                ]
                lines.append(cells)
            }
            var roundTrip = ["round trip", Self.percent(report.lossRatio)]
            if let rtt = report.roundTrip {
                roundTrip += [rtt.min, rtt.median, rtt.mean, rtt.p95, rtt.max].map { Self.ms($0) }
                roundTrip += [PacketDelayVariation.of(rtt.sorted).map { Self.ms($0) } ?? "-", "-", "-", "-"]
            } else {
                roundTrip += Array(repeating: "-", count: 9)
            }
            lines.append(roundTrip)
            let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
            for line in lines {
                text +=
                    line.enumerated().map { column, cell in
                        column == 0
                            ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: widths[column] - cell.count) + cell
                    }.joined(separator: "  ") + "\n"
            }
            if report.unattributedLoss > 0 {
                text += "\(report.unattributedLoss) lost in a direction that cannot be told"
                text +=
                    report.reflectorMode == .stateful
                    ? " (after the last packet the reflector counted).\n"
                    : ": every reply carries this host's sequence, so the reflector is stateless (`netmon stamp reflect --stateful` counts) or lost nothing forward (then say --stateful-reflector).\n"
            }
            for (name, publication) in [("forward", report.forwardPublication), ("reverse", report.reversePublication)]
            {
                if let reason = publication.reason { text += "One-way delay \(name) withheld: \(reason).\n" }
            }
            for (message, count) in errors.sorted(by: { $0.key < $1.key }) { text += "\(message) ×\(count)\n" }
            text += "\n"
        }
        text +=
            "Delays in ms; loss = lost/sent in the direction (RFC 7680); pdv = RFC 5481 p99 − min; ipdv = mean |RFC 3393 IPDV|; reord = RFC 4737; dup = RFC 5560.\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private static func document(row: StampRow, report: STAMPSessionMetrics?, errors: [String: Int]) -> [String: Any] {
        var target: [String: Any] = [
            "target": row.label, "address": row.endpoint.map { "\($0.address)" } ?? NSNull(),
            "port": row.endpoint.map { Int($0.port) } ?? NSNull(),
            "errors": errors.sorted { $0.key < $1.key }.map {
                ["message": $0.key, "count": $0.value] as [String: Any]
            },
        ]
        guard let report else {
            target["error"] = row.error ?? "not measured"
            return target
        }
        target["error"] = NSNull()
        target["sent"] = report.sent
        target["received"] = report.received
        target["lost"] = report.lost
        target["loss_ratio"] = report.sent > 0 ? report.lossRatio : NSNull()
        target["late"] = report.late
        target["unattributed_loss"] = report.unattributedLoss
        target["reflector_mode"] = report.reflectorMode.rawValue
        target["sender_ttl"] = report.senderTTL ?? NSNull()
        target["round_trip_ms"] = Self.summary(report.roundTrip)
        target["forward"] = Self.direction(report.forward, report.forwardPublication)
        target["reverse"] = Self.direction(report.reverse, report.reversePublication)
        target["clock"] =
            [
                "sender_synchronized": report.senderClock.isSynchronized,
                "sender_error_ms": Self.round(report.senderClock.seconds * 1000),
                "reflector_synchronized": report.reflectorClock.map { $0.isSynchronized as Any } ?? NSNull(),
                "reflector_error_ms": report.reflectorClock.map { Self.round($0.errorSeconds * 1000) as Any }
                    ?? NSNull(),
            ] as [String: Any]
        return target
    }

    private static func direction(
        _ direction: DirectionMetrics, _ publication: STAMPSessionMetrics.Publication
    )
        -> [String: Any]
    {
        [
            "sent": direction.sent ?? NSNull(), "lost": direction.lost ?? NSNull(),
            "loss_ratio": direction.lossRatio ?? NSNull(),
            "delay_ms": publication.isPublished ? Self.summary(direction.delay) : NSNull(),
            "delay_withheld": publication.reason ?? NSNull(),
            "pdv_ms": direction.pdv.map { Self.round($0 * 1000) as Any } ?? NSNull(),
            "ipdv_mean_abs_ms": direction.ipdvMeanAbsolute.map { Self.round($0 * 1000) as Any } ?? NSNull(),
            "ipdv_p99_abs_ms": direction.ipdvP99Absolute.map { Self.round($0 * 1000) as Any } ?? NSNull(),
            "reordered": direction.reordered, "reordered_ratio": direction.reorderedRatio ?? NSNull(),
            "duplicates": direction.duplicates,
        ]
    }

    private static func summary(_ summary: SampleSummary?) -> Any {
        guard let summary else { return NSNull() }
        return [
            "min": Self.round(summary.min * 1000), "median": Self.round(summary.median * 1000),
            "mean": Self.round(summary.mean * 1000), "max": Self.round(summary.max * 1000),
            "stddev": Self.round(summary.standardDeviation * 1000), "p95": Self.round(summary.p95 * 1000),
            "p99": Self.round(summary.p99 * 1000), "count": summary.count,
        ] as [String: Any]
    }

    /// Milliseconds rounded to the nanosecond.
    private static func round(_ milliseconds: Double) -> Double { (milliseconds * 1e6).rounded() / 1e6 }

    private static func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1000) }

    private static func percent(_ ratio: Double) -> String { String(format: "%.1f%%", ratio * 100) }

    private static func loss(_ direction: DirectionMetrics) -> String {
        guard let sent = direction.sent, let lost = direction.lost else { return "?" }
        return "\(lost)/\(sent)"
    }
}
