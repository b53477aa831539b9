import Foundation
import Synchronization

/// The server's own counters and histograms, exposed at `/metrics` in Prometheus text format 0.0.4.
final class ServerMetrics: Sendable {
    /// Upper bounds of the request duration histogram, seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Histogram {
        var counts: [UInt64] = Array(repeating: 0, count: ServerMetrics.buckets.count)
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private struct State {
        var requests: [String: UInt64] = [:]  // "route\u{0}method\u{0}status"
        var durations: [String: Histogram] = [:]  // route
        var roundsAccepted: UInt64 = 0
        var roundsDuplicate: UInt64 = 0
        var roundsRejected: UInt64 = 0
        var roundsConflicting: UInt64 = 0
        var batchesRejected: UInt64 = 0
        var rateLimited: UInt64 = 0
        var uploadsAccepted: UInt64 = 0
        var uploadsRejected: UInt64 = 0
        var reportRowsAccepted: UInt64 = 0
        var reportRowsRejected: UInt64 = 0
    }

    private let state = Mutex(State())
    let startTime = Date()

    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.requests["\(route)\u{0}\(method)\u{0}\(status)", default: 0] += 1
            var h = s.durations[route] ?? Histogram()
            for (i, b) in Self.buckets.enumerated() where seconds <= b { h.counts[i] += 1 }
            h.sum += seconds
            h.count += 1
            s.durations[route] = h
        }
    }

    func recordIngest(accepted: Int, duplicates: Int, rejected: Int = 0, conflicting: Int = 0) {
        state.withLock { s in
            s.roundsAccepted += UInt64(accepted)
            s.roundsDuplicate += UInt64(duplicates)
            s.roundsRejected += UInt64(rejected)
            s.roundsConflicting += UInt64(conflicting)
        }
    }

    func recordRejectedBatch() { state.withLock { $0.batchesRejected += 1 } }

    /// A signal report upload that was stored (`accepted`) or refused with a 4xx, with its row counts.
    func recordUpload(accepted: Bool, rowsAccepted: Int = 0, rowsRejected: Int = 0) {
        state.withLock { s in
            if accepted { s.uploadsAccepted += 1 } else { s.uploadsRejected += 1 }
            s.reportRowsAccepted += UInt64(rowsAccepted)
            s.reportRowsRejected += UInt64(rowsRejected)
        }
    }
    func recordRateLimited() { state.withLock { $0.rateLimited += 1 } }

    var roundsAccepted: UInt64 { state.withLock { $0.roundsAccepted } }

    /// The exposition text; `extra` lines (already formatted families) are appended.
    func render(extra: String) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP netmon_server_http_requests_total HTTP requests handled, by route, method and status.\n"
        out += "# TYPE netmon_server_http_requests_total counter\n"
        for (key, n) in s.requests.sorted(by: { $0.key < $1.key }) {
            let p = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            out +=
                "netmon_server_http_requests_total{route=\"\(escape(String(p[0])))\",method=\"\(p[1])\",status=\"\(p[2])\"} \(n)\n"
        }
        out += "# HELP netmon_server_http_request_duration_seconds Time to handle an HTTP request, by route.\n"
        out += "# TYPE netmon_server_http_request_duration_seconds histogram\n"
        for (route, h) in s.durations.sorted(by: { $0.key < $1.key }) {
            let r = escape(route)
            for (i, b) in Self.buckets.enumerated() {
                out += "netmon_server_http_request_duration_seconds_bucket{route=\"\(r)\",le=\"\(b)\"} \(h.counts[i])\n"
            }
            out += "netmon_server_http_request_duration_seconds_bucket{route=\"\(r)\",le=\"+Inf\"} \(h.count)\n"
            out += "netmon_server_http_request_duration_seconds_sum{route=\"\(r)\"} \(h.sum)\n"
            out += "netmon_server_http_request_duration_seconds_count{route=\"\(r)\"} \(h.count)\n"
        }
        out +=
            "# HELP netmon_server_ingest_rounds_total Probe rounds received, by result (accepted, duplicate, rejected, conflict).\n"
        out += "# TYPE netmon_server_ingest_rounds_total counter\n"
        out += "netmon_server_ingest_rounds_total{result=\"accepted\"} \(s.roundsAccepted)\n"
        out += "netmon_server_ingest_rounds_total{result=\"duplicate\"} \(s.roundsDuplicate)\n"
        out += "netmon_server_ingest_rounds_total{result=\"rejected\"} \(s.roundsRejected)\n"
        out += "netmon_server_ingest_rounds_total{result=\"conflict\"} \(s.roundsConflicting)\n"
        out += "# HELP netmon_server_ingest_batches_rejected_total Ingest batches refused with a 4xx.\n"
        out += "# TYPE netmon_server_ingest_batches_rejected_total counter\n"
        out += "netmon_server_ingest_batches_rejected_total \(s.batchesRejected)\n"
        out += "# HELP netmon_server_rate_limited_total Requests refused with 429 by the per-token rate limit.\n"
        out += "# TYPE netmon_server_rate_limited_total counter\n"
        out += "netmon_server_rate_limited_total \(s.rateLimited)\n"
        out +=
            "# HELP netmon_server_report_uploads_total Signal report uploads, by result (stored or refused with a 4xx).\n"
        out += "# TYPE netmon_server_report_uploads_total counter\n"
        out += "netmon_server_report_uploads_total{result=\"accepted\"} \(s.uploadsAccepted)\n"
        out += "netmon_server_report_uploads_total{result=\"rejected\"} \(s.uploadsRejected)\n"
        out += "# HELP netmon_server_report_rows_total Rows of stored uploads, by result (accepted or rejected row).\n"
        out += "# TYPE netmon_server_report_rows_total counter\n"
        out += "netmon_server_report_rows_total{result=\"accepted\"} \(s.reportRowsAccepted)\n"
        out += "netmon_server_report_rows_total{result=\"rejected\"} \(s.reportRowsRejected)\n"
        out += "# HELP netmon_server_start_time_seconds Unix time the server started.\n"
        out += "# TYPE netmon_server_start_time_seconds gauge\n"
        out += "netmon_server_start_time_seconds \(startTime.timeIntervalSince1970)\n"
        out += extra
        return out
    }
}

/// Escapes a Prometheus label value.
func escape(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\n", with: "\\n")
}
