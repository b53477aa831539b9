import CoverageModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NetmonServer
import Synchronization
import Testing

/// A gateway `location` outside its own commune (a typo in sites.yaml): the server warns at start, naming where the
/// point lies, and the probes layer says so; a location inside its commune is left alone. Real boundaries.
@Suite("Gateway locations against the communes' boundaries")
struct GatewayPlacementTests {
    /// Log lines at warning level, kept for the test.
    final class Collected: Sendable {
        let lines = Mutex<[(message: String, metadata: [String: String])]>([])
    }

    struct Collecting: LogHandler {
        let collected: Collected
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let metadata = (event.metadata ?? [:]).mapValues { "\($0)" }
            self.collected.lines.withLock { $0.append(("\(event.message)", metadata)) }
        }
    }

    /// A point strictly inside `commune`'s boundary (found on a grid over its box) and not in any other.
    static func inside(_ commune: CommuneBoundary, _ all: [CommuneBoundary]) throws -> LatLng {
        let box = try #require(commune.geometry.boundingBox)
        for i in 1..<40 {
            for j in 1..<40 {
                let p = LatLng(
                    lat: box.minLat + (box.maxLat - box.minLat) * Double(i) / 40,
                    lng: box.minLng + (box.maxLng - box.minLng) * Double(j) / 40)
                if commune.geometry.contains(p),
                    !all.contains(where: { $0.code != commune.code && $0.geometry.contains(p) })
                {
                    return p
                }
            }
        }
        throw CancellationError()
    }

    @Test("inside: untouched; in a neighbour: named; outside the province: said; the probes layer carries it")
    func misplacedGatewaysAreNamed() async throws {
        let boundaries = try CommuneBoundaryReader.read(path: Fixture.boundaries)
        var communes = Fixture.communes
        try #require(communes.count >= 4)
        let byCode = Dictionary(boundaries.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let (a, b, c, d) = (communes[0].code, communes[1].code, communes[2].code, communes[3].code)
        communes[0].gatewayLocation = try Self.inside(try #require(byCode[a]), boundaries)
        communes[1].gatewayLocation = try Self.inside(try #require(byCode[c]), boundaries)  // b's gateway, in c
        communes[3].gatewayLocation = LatLng(lat: 21.0285, lng: 105.8542)  // Hà Nội: no commune of the file
        var configuration = Fixture.configuration()
        configuration.communes = communes
        let collected = Collected()
        let logger = Logger(label: "test") { _ in Collecting(collected: collected) }
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let app = try buildApplication(
            configuration: configuration, store: store, port: 0, tokens: Fixture.grants, logger: logger)

        let warnings = collected.lines.withLock { $0 }.filter { $0.message.contains("gateway location") }
        #expect(warnings.count == 2, "\(warnings.map(\.message))")
        let aboutB = try #require(warnings.first { $0.metadata["commune"] == b })
        #expect(aboutB.metadata["within"] == c)
        #expect(aboutB.message.contains("inside commune \(c) (\(try #require(byCode[c]).name))"), "\(aboutB.message)")
        let aboutD = try #require(warnings.first { $0.metadata["commune"] == d })
        #expect(aboutD.message.contains("outside every commune of the boundaries file"), "\(aboutD.message)")
        #expect(!warnings.contains { $0.metadata["commune"] == a })

        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/geojson/probes", method: .get, headers: Fixture.headers(Fixture.viewerSecret))
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let features = try #require(object?["features"] as? [[String: Any]])
            var properties: [String: [String: Any]] = [:]
            for feature in features {
                let p = try #require(feature["properties"] as? [String: Any])
                properties[try #require(p["commune"] as? String)] = p
            }
            #expect(properties[a]?["location_in_commune"] as? Bool == true)
            #expect(properties[a]?["location_commune"] == nil)
            #expect(properties[b]?["location_in_commune"] as? Bool == false)
            #expect(properties[b]?["location_commune"] as? String == c)
            #expect(properties[c]?["location_in_commune"] == nil, "no location given: nothing to judge")
            #expect(properties[c]?["located"] as? String == "commune-centroid")
            #expect(properties[d]?["location_in_commune"] as? Bool == false)
            #expect(properties[d]?["location_commune"] == nil)
        }
    }
}
