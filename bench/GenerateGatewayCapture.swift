// Writes the benchmark's gateway capture: 10,000 TCP flows between commune hosts and data-centre services, 48
// request/response exchanges each (150 packets per flow, 1.5 M packets), 1 % of requests lost upstream, snaplen 128.
// Compiled by bench/passive-analysis.sh together with the test generator (Tests/TestSupport).
import Foundation

@main
struct GenerateGatewayCapture {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: generate-gateway-capture OUTPUT.pcap [FLOWS]\n".utf8))
            exit(64)
        }
        let flowCount = arguments.count >= 3 ? Int(arguments[2]) ?? 10_000 : 10_000
        let services = ["10.33.0.10", "10.33.0.20", "10.33.0.53"]
        var flows: [SyntheticTCPFlow] = []
        flows.reserveCapacity(flowCount)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        for i in 0..<flowCount {
            let commune = 1 + i % 104
            let lost = Set((0..<48).filter { _ in next() % 100 == 0 })
            flows.append(
                SyntheticTCPFlow(
                    client: "10.33.\(commune).\(2 + (i / 104) % 250)", clientPort: UInt16(20_000 + i % 40_000),
                    server: services[i % services.count], serverPort: 443,
                    clientSideRTT: 0.2 + Double(next() % 5000) / 1000, serverSideRTT: 5 + Double(next() % 95_000) / 1000,
                    start: Double(i) * 0.006, exchanges: 48, requestBytes: 300, responseBytes: 1400,
                    timestamps: i % 4 != 0, lostRequests: lost, thinkTime: 2))
        }
        let written = try SyntheticCapture(flows: flows).write(to: arguments[1], snapshotLength: 128)
        print("wrote \(written) packets in \(flowCount) flows to \(arguments[1])")
    }
}
