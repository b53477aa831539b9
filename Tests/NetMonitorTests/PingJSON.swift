import Foundation
import TestSupport

/// One target of `netmon ping --json`, decoded for tests.
struct PingResult: Decodable {
    struct RTT: Decodable {
        var min, median, mean, max, stddev, p95: Double
    }

    struct ErrorCount: Decodable {
        var message: String
        var count: Int
    }

    var target: String
    var address: String?
    var sent: Int
    var received: Int
    var duplicates: Int
    var lossRatio: Double?
    var rttMs: RTT?
    var jitterMs: Double?
    var pdvMs: Double?
    var errors: [ErrorCount]

    enum CodingKeys: String, CodingKey {
        case target, address, sent, received, duplicates, errors
        case lossRatio = "loss_ratio"
        case rttMs = "rtt_ms"
        case jitterMs = "jitter_ms"
        case pdvMs = "pdv_ms"
    }
}

struct PingDocumentForTests: Decodable {
    var targets: [PingResult]
}

/// Runs the netmon binary with `arguments` (optionally inside a namespace) and decodes its --json output.
func runNetmonPing(
    _ arguments: [String], in namespace: String? = nil
) throws -> (status: Int32, targets: [PingResult], stderr: String) {
    let command =
        (namespace.map { ["ip", "netns", "exec", $0] } ?? []) + [NetmonBinary.path, "ping", "--json"] + arguments
    let output = try Shell.run(command, check: false)
    guard let data = output.stdout.data(using: .utf8), !output.stdout.isEmpty else {
        return (output.status, [], output.stderr)
    }
    let document = try JSONDecoder().decode(PingDocumentForTests.self, from: data)
    return (output.status, document.targets, output.stderr)
}

/// RTTs in ms of iputils ping run once per probe (`ping -c 1`), whose summary line has microsecond precision
/// (the per-reply lines round to 0.1 ms at 20 ms).
func iputilsPingRTTs(pair: NamespacePair, address: String, count: Int) throws -> [Double] {
    let script = "for i in $(seq \(count)); do ping -n -q -c 1 -W 1 \(address) | tail -n 1; done"
    let output = try pair.run(in: pair.source, ["sh", "-c", script], check: false)
    // rtt min/avg/max/mdev = 20.036/20.036/20.036/0.000 ms
    return output.stdout.split(separator: "\n").compactMap { line in
        guard let equals = line.range(of: "= ") else { return nil }
        return Double(line[equals.upperBound...].split(separator: "/")[0])
    }
}

func medianOf(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}
