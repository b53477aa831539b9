import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonProtocol
import NetmonServer
import TestSupport
import Testing

/// The repository and its real boundaries (data/boundaries, see ``RepositoryData``).
enum Fixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let boundaries = RepositoryData.communesGeoJSON

    /// The 104 communes from the boundaries file, each with hub and portal targets (sites.yaml's defaults).
    static let communes: [ServerCommune] = {
        struct FC: Decodable {
            struct F: Decodable {
                struct P: Decodable {
                    var ward_code: Int
                    var name: String
                }
                var properties: P
            }
            var features: [F]
        }
        guard let data = FileManager.default.contents(atPath: boundaries),
            let fc = try? JSONDecoder().decode(FC.self, from: data)
        else { return [] }
        return fc.features.map(\.properties).sorted { $0.ward_code < $1.ward_code }.enumerated().map { i, p in
            let code = String(format: "%05d", p.ward_code)
            return ServerCommune(
                code: code, name: p.name, probeID: "probe-\(code)", gateway: "10.33.\(i + 1).1",
                targets: [
                    ServerTarget(
                        name: "hub", address: "10.33.0.1", latencyMs: .init(warn: 50, critical: 150),
                        lossRatio: .init(warn: 0.02, critical: 0.10)),
                    ServerTarget(
                        name: "portal", address: "10.33.0.10", latencyMs: .init(warn: 50, critical: 150),
                        lossRatio: .init(warn: 0.02, critical: 0.10)),
                ])
        }
    }()

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func configuration(
        rateLimit: RateLimit = RateLimit(requestsPerSecond: 1000, burst: 1000), maxBodyBytes: Int = 1 << 20,
        anonymous: TokenRole? = nil, now: Date = Fixture.now
    ) -> ServerConfiguration {
        ServerConfiguration(
            provinceName: "Hưng Yên", communes: communes, boundariesPath: boundaries, maxBodyBytes: maxBodyBytes,
            maxRoundsPerBatch: 500, rateLimit: rateLimit, anonymousRole: anonymous, now: { now })
    }

    static let probeSecret = "probe-secret-11953"
    static let otherProbeSecret = "probe-secret-11977"
    static let viewerSecret = "viewer-secret"
    static let adminSecret = "admin-secret"

    static let grants = [
        TokenGrant(name: "probe-11953", role: .probe, probeID: "probe-11953", secret: probeSecret),
        TokenGrant(name: "probe-11977", role: .probe, probeID: "probe-11977", secret: otherProbeSecret),
        TokenGrant(name: "noc", role: .viewer, probeID: nil, secret: viewerSecret),
        TokenGrant(name: "root", role: .admin, probeID: nil, secret: adminSecret),
    ]

    /// A fresh SQLite store in a temp folder; removed by the returned closure.
    static func sqliteStore() throws -> (any ProvinceStore, () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteProvinceStore(path: dir.appendingPathComponent("p.sqlite").path)
        return (store, { try? FileManager.default.removeItem(at: dir) })
    }

    static func round(
        probe: String = "probe-11953", commune: String = "11953", target: String = "hub", sequence: Int64,
        start: Date? = nil, sent: Int = 20, rttMs: [Double] = Array(repeating: 12, count: 20)
    ) -> ProbeRound {
        ProbeRound(
            probeID: probe, sequence: sequence, commune: commune, target: target, address: "10.33.0.1", kind: "icmp",
            start: start ?? now.addingTimeInterval(-120), stepSeconds: 60, sent: sent, received: rttMs.count,
            rttSeconds: rttMs.map { $0 / 1000 }.sorted(), jitterSeconds: 0.0005)
    }

    static func body(_ batch: ProbeRoundBatch) -> ByteBuffer {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        return ByteBuffer(bytes: try! e.encode(batch))
    }

    static func headers(_ secret: String?, json: Bool = true) -> HTTPFields {
        var h = HTTPFields()
        if let secret { h[.authorization] = "Bearer \(secret)" }
        if json { h[.contentType] = "application/json" }
        return h
    }
}

/// Runs `body` against a freshly built application over a fresh SQLite store.
func withServer(
    _ configuration: ServerConfiguration = Fixture.configuration(), testing: TestingSetup = .router,
    _ body: @Sendable (any TestClientProtocol, any ProvinceStore) async throws -> Void
) async throws {
    let (store, cleanup) = try Fixture.sqliteStore()
    defer { cleanup() }
    let app = try buildApplication(configuration: configuration, store: store, port: 0, tokens: Fixture.grants)
    try await app.test(testing) { client in try await body(client, store) }
}

struct ErrorReply: Decodable {
    struct E: Decodable { var message: String }
    var error: E
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: Data(buffer: body)) }
}
