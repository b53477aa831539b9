// Writes one commune gateway's traffic for bench/probe_daemon.sh: TCP flows between hosts of commune 10.33.1.0/24
// and the data-centre services (48 request/response exchanges each, 150 packets per flow, 1 % of requests lost
// upstream, path RTTs 5-40 ms) plus ICMP pingers to the hub, snaplen 128. Replayed at a fixed rate with tcpreplay.
// Compiled together with the test generator (Tests/TestSupport).
import Foundation

@main
struct GenerateCommuneTraffic {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: generate-commune-traffic OUTPUT.pcap [FLOWS]\n".utf8))
            exit(64)
        }
        let flowCount = arguments.count >= 3 ? Int(arguments[2]) ?? 200 : 200
        let services = ["10.33.0.10", "10.33.0.20", "10.33.0.30"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var flows: [SyntheticTCPFlow] = []
        for i in 0..<flowCount {
            let lost = Set((0..<48).filter { _ in next() % 100 == 0 })
            flows.append(
                SyntheticTCPFlow(
                    client: "10.33.1.\(2 + i % 200)", clientPort: UInt16(30_000 + i), server: services[i % services.count],
                    serverPort: 443, clientSideRTT: 0.3 + Double(next() % 2000) / 1000,
                    serverSideRTT: 5 + Double(next() % 35_000) / 1000, start: Double(i) * 0.05, exchanges: 48,
                    requestBytes: 300, responseBytes: 1400, timestamps: i % 4 != 0, lostRequests: lost, thinkTime: 20))
        }
        let pingers = (0..<4).map { i in
            SyntheticPinger(
                source: "10.33.1.\(250 + i)", destination: "10.33.0.1", identifier: UInt16(100 + i), count: 100,
                interval: 100, rtt: 8 + Double(i), lost: [17, 55], start: Double(i) * 0.01)
        }
        let written = try SyntheticCapture(flows: flows, pingers: pingers).write(to: arguments[1], snapshotLength: 128)
        print("wrote \(written) packets in \(flowCount) flows and \(pingers.count) pingers to \(arguments[1])")
    }
}
