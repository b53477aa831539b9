import Foundation
import NetMonitor

/// What `netmon ping` prints: live lines on a terminal, a summary table, or one JSON document.
struct PingOutput: Sendable {
    let json: Bool
    let isTerminal: Bool

    init(json: Bool) {
        self.json = json
        self.isTerminal = isatty(STDOUT_FILENO) == 1
    }

    /// Live lines only on a terminal and without --json.
    var isLive: Bool { !self.json && self.isTerminal }

    func error(_ message: String) {
        FileHandle.standardError.write(Data("netmon ping: \(message)\n".utf8))
    }

    func warning(_ message: String) {
        FileHandle.standardError.write(Data("netmon ping: \(message)\n".utf8))
    }

    func live(_ event: ProbeEvent, endpoints: [ProbeEndpoint]) {
        let line: String
        switch event {
        case .reply(let reply):
            let endpoint = endpoints[reply.target]
            let ttl = reply.ttl.map { " ttl=\($0)" } ?? ""
            let size = reply.bytes > 0 ? "\(reply.bytes) bytes, " : ""
            line =
                "\(endpoint.label) (\(endpoint.address)) seq=\(reply.probe) \(size)\(Self.ms(reply.rtt)) ms\(ttl)\(reply.isDuplicate ? " (DUP!)" : "")"
        case .lost(let target, let probe):
            line = "\(endpoints[target].label) (\(endpoints[target].address)) seq=\(probe) timeout"
        case .error(let target, let probe, let message):
            line =
                "\(endpoints[target].label) (\(endpoints[target].address)) seq=\(probe.map(String.init) ?? "?") \(message)"
        }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func summary(rows: [PingRow], reports: [TargetReport]) {
        if self.json {
            let document = PingDocument(
                targets: rows.map { row in
                    guard let index = row.endpointIndex, let address = row.address else {
                        return PingDocument.Target(
                            target: row.label, address: nil, sent: 0, received: 0, duplicates: 0, lossRatio: nil,
                            rtt: nil,
                            jitterMs: nil, pdvMs: nil, errors: [.init(message: row.error ?? "not probed", count: 1)])
                    }
                    let report = reports[index]
                    let statistics = report.statistics
                    return PingDocument.Target(
                        target: row.label, address: address.description, sent: report.counts.sent,
                        received: report.counts.received, duplicates: report.counts.duplicates,
                        lossRatio: report.counts.sent > 0 ? report.counts.lossRatio : nil,
                        rtt: statistics.summary.map {
                            .init(
                                min: $0.min * 1000, median: $0.median * 1000, mean: $0.mean * 1000, max: $0.max * 1000,
                                stddev: $0.standardDeviation * 1000, p95: $0.p95 * 1000)
                        },
                        jitterMs: statistics.jitter.map { $0 * 1000 }, pdvMs: statistics.pdv.map { $0 * 1000 },
                        errors: report.errors.sorted { $0.key < $1.key }.map { .init(message: $0.key, count: $0.value) }
                    )
                })
            var bytes = document.json
            bytes.append(UInt8(ascii: "\n"))
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        var lines: [[String]] = [
            [
                "target", "address", "sent", "recv", "dup", "loss", "min", "median", "mean", "max", "stddev", "p95",
                "jitter", "pdv",
            ]
        ]
        var notes: [String] = []
        for row in rows {
            guard let index = row.endpointIndex, let address = row.address else {
                lines.append([row.label, "-", "0", "0", "0", "-", "-", "-", "-", "-", "-", "-", "-", "-"])
                notes.append("\(row.label): \(row.error ?? "not probed")")
                continue
            }
            let report = reports[index]
            let statistics = report.statistics
            let loss =
                report.counts.sent > 0 ? CNumberFormat.fixed(report.counts.lossRatio * 100, decimals: 1) + "%" : "-"
            var cells = [
                row.label, address.description, "\(report.counts.sent)", "\(report.counts.received)",
                "\(report.counts.duplicates)", loss,
            ]
            if let summary = statistics.summary {
                cells += [
                    summary.min, summary.median, summary.mean, summary.max, summary.standardDeviation, summary.p95,
                ]
                .map { Self.ms($0) }
            } else {
                cells += Array(repeating: "-", count: 6)
            }
            cells.append(statistics.jitter.map { Self.ms($0) } ?? "-")
            cells.append(statistics.pdv.map { Self.ms($0) } ?? "-")
            lines.append(cells)
            for (message, count) in report.errors.sorted(by: { $0.key < $1.key }) {
                notes.append("\(row.label): \(message) ×\(count)")
            }
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for (number, line) in lines.enumerated() {
            let cells = line.enumerated().map { column, cell in
                column < 2
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            text += cells.joined(separator: "  ") + "\n"
            if number == 0 { text += "" }
        }
        text += "RTT in ms (round trip); jitter = RFC 3550 on the RTT series; pdv = RFC 5481 p99 − min.\n"
        for note in notes { text += note + "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func schedule(_ report: ScheduleReport, modes: [IPFamily: ICMPSocket.Mode]) {
        var text = "schedule: \(report.sends) sends in \(CNumberFormat.fixed(report.duration, decimals: 3)) s"
        text += " (\(CNumberFormat.fixed(report.rate, decimals: 1))/s)"
        if let lateness = report.lateness {
            text +=
                "; lateness ms: median \(Self.ms(lateness.median)), p99 \(Self.ms(lateness.p99)),"
                + " max \(Self.ms(lateness.max))"
        }
        let sockets = modes.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            "\($0.key.rawValue)=\($0.value.rawValue)"
        }
        text += "; sockets: \(sockets.joined(separator: " "))\n"
        if report.repliesStampedAtRead > 0 {
            text +=
                "note: \(report.repliesStampedAtRead) replies had no kernel receive timestamp (the kernel had not"
                + " turned stamping on yet); their RTTs include the time until they were read, and replies were then"
                + " read as they arrived.\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func ms(_ seconds: Double) -> String { CNumberFormat.fixed(seconds * 1000, decimals: 3) }
}

/// The `--json` document. Field names and their order are part of netmon's interface; absent values are
/// written as `null`; milliseconds are rounded to the nanosecond.
struct PingDocument {
    struct RTT {
        var min, median, mean, max, stddev, p95: Double
    }

    struct ErrorCount {
        var message: String
        var count: Int
    }

    struct Target {
        var target: String
        var address: String?
        var sent: Int
        var received: Int
        var duplicates: Int
        var lossRatio: Double?
        var rtt: RTT?
        var jitterMs: Double?
        var pdvMs: Double?
        var errors: [ErrorCount]

        /// Writes the target's JSON object.
        func write(to json: inout JSONBytes) {
            json.beginObject()
            json.key("target")
            json.string(self.target)
            json.key("address")
            json.string(self.address)
            json.key("sent")
            json.int(self.sent)
            json.key("received")
            json.int(self.received)
            json.key("duplicates")
            json.int(self.duplicates)
            json.key("loss_ratio")
            json.sixDecimals(self.lossRatio)
            json.key("rtt_ms")
            if let rtt = self.rtt {
                json.beginObject()
                json.key("min")
                json.sixDecimals(rtt.min)
                json.key("median")
                json.sixDecimals(rtt.median)
                json.key("mean")
                json.sixDecimals(rtt.mean)
                json.key("max")
                json.sixDecimals(rtt.max)
                json.key("stddev")
                json.sixDecimals(rtt.stddev)
                json.key("p95")
                json.sixDecimals(rtt.p95)
                json.endObject()
            } else {
                json.null()
            }
            json.key("jitter_ms")
            json.sixDecimals(self.jitterMs)
            json.key("pdv_ms")
            json.sixDecimals(self.pdvMs)
            json.key("errors")
            json.beginArray()
            for error in self.errors {
                json.beginObject()
                json.key("message")
                json.string(error.message)
                json.key("count")
                json.int(error.count)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }

    var targets: [Target]

    /// The document's UTF-8, written into one byte buffer (no intermediate strings per field).
    var json: [UInt8] {
        var json = JSONBytes(capacity: 64 + 360 * self.targets.count)
        json.beginObject()
        json.key("targets")
        json.beginArray()
        for target in self.targets { target.write(to: &json) }
        json.endArray()
        json.endObject()
        return json.bytes
    }
}
