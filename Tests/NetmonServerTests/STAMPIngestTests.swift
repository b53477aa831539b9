import Foundation
import HTTPTypes
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonProtocol
import NetmonServer
import Testing

/// STAMP rounds (`kind: stamp`) at the server: the wire's optional `directions` both ways, ingest, and the series
/// and smoke graph per direction.
@Suite("STAMP rounds: wire compatibility, ingest and per-direction series")
struct STAMPIngestTests {
    /// The fixture's communes, commune 11953 with a stamp target `meet` besides its icmp `hub`.
    static func configuration() -> ServerConfiguration {
        var configuration = Fixture.configuration()
        let levels = ServerTarget.Levels(warn: 0.02, critical: 0.10)
        configuration.communes[0].targets = [
            ServerTarget(
                name: "hub", address: "10.33.0.1", latencyMs: .init(warn: 50, critical: 150), lossRatio: levels,
                kind: "icmp"),
            ServerTarget(
                name: "meet", address: "10.33.0.20", latencyMs: .init(warn: 50, critical: 150), lossRatio: levels,
                kind: "stamp"),
        ]
        return configuration
    }

    /// A stamp round as a probe writes it, by hand: snake_case, the breakdown with a withheld reverse delay.
    static func stampJSON(sequence: Int, start: String, extra: String = "", directionsExtra: String = "") -> String {
        """
        {"probe_id":"probe-11953","sequence":\(sequence),"store_id":"s1","commune":"11953","target":"meet",\
        "address":"10.33.0.20","kind":"stamp","start":"\(start)","step_seconds":60,"sent":10,"received":8,\
        "rtt_seconds":[0.010,0.010,0.011,0.011,0.011,0.012,0.012,0.013],"jitter_seconds":0.0004,\(extra)\
        "directions":{"forward":{"sent":10,"lost":2,"delay_min_seconds":0.003,"delay_median_seconds":0.0035,\
        "delay_max_seconds":0.004,"pdv_seconds":0.0009,"ipdv_mean_seconds":0.0002,"ipdv_p99_seconds":0.0008,\
        "reordered":0,"duplicates":0},"reverse":{"sent":8,"lost":0,"delay_withheld":"the reflector reports an \
        unsynchronised clock","pdv_seconds":0.0004,"ipdv_mean_seconds":0.0001,"reordered":1,"duplicates":0\
        \(directionsExtra)},"unattributed_loss":0,"reflector_mode":"stateful"}}
        """
    }

    static func post(_ client: any TestClientProtocol, _ json: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(
            uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
            body: ByteBuffer(string: json)
        ) { ($0.status, $0.text) }
    }

    struct Series: Decodable {
        struct Point: Decodable {
            var rounds: Int
            var sent: Int
            var received: Int
            var loss_ratio: Double?
            var median_ms: Double?
            var smoke_ms: [Double]
            var ipdv_mean_ms: Double?
            var delay_withheld: String?
        }
        var direction: String?
        var points: [Point]
    }

    @Test("a stamp round posted as JSON is stored with its directions and shown per direction; uplink = forward")
    func ingestAndSeries() async throws {
        try await withServer(Self.configuration()) { client, store in
            let batch =
                #"{"probe_id":"probe-11953","rounds":["#
                + Self.stampJSON(sequence: 1, start: "2026-09-21T13:00:00Z") + ","
                + Self.stampJSON(sequence: 2, start: "2026-09-21T13:01:00Z") + "]}"
            let (status, text) = try await Self.post(client, batch)
            #expect(status == .ok, "\(text)")
            let reply = try JSONDecoder().decode(IngestReply.self, from: Data(text.utf8))
            #expect(reply.accepted == 2 && reply.rejected.isEmpty, "\(text)")
            let from = "2026-09-21T13:00:00Z"
            let to = "2026-09-21T13:02:00Z"
            let stored = try await store.roundDirections(
                commune: "11953", target: "meet", from: Date(timeIntervalSince1970: 0), to: Fixture.now, limit: 10)
            #expect(stored.count == 2 && stored.first?.directions.forward.lost == 2)

            for (name, expected) in [("forward", "uplink"), ("uplink", "uplink")] {
                let series = try await client.execute(
                    uri: "/api/v1/links/11953/meet/series?from=\(from)&to=\(to)&step=60&direction=\(name)",
                    method: .get, headers: Fixture.headers(Fixture.viewerSecret)
                ) { r in
                    #expect(r.status == .ok, "\(r.text)")
                    return try r.decode(Series.self)
                }
                #expect(series.direction == expected)
                #expect(series.points.count == 2)
                let point = try #require(series.points.first)
                #expect(point.rounds == 1 && point.sent == 10 && point.received == 8)
                #expect(point.loss_ratio == 0.2)
                #expect(abs((point.median_ms ?? 0) - 3.5) < 1e-9)
                #expect(point.smoke_ms.count == 20 && point.delay_withheld == nil)
                #expect(abs((point.ipdv_mean_ms ?? 0) - 0.2) < 1e-9)
            }
            let downlink = try await client.execute(
                uri: "/api/v1/links/11953/meet/series?from=\(from)&to=\(to)&step=60&direction=reverse", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { try $0.decode(Series.self) }
            #expect(downlink.direction == "downlink")
            #expect(downlink.points.first?.loss_ratio == 0 && downlink.points.first?.median_ms == nil)
            #expect(downlink.points.first?.delay_withheld == "the reflector reports an unsynchronised clock")
            // The round trip series is as for any link.
            let roundTrip = try await client.execute(
                uri: "/api/v1/links/11953/meet/series?from=\(from)&to=\(to)&step=60", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { try $0.decode(Series.self) }
            #expect(roundTrip.direction == nil && roundTrip.points.first?.median_ms == 11)

            try await client.execute(
                uri: "/api/v1/links/11953/meet/smoke.svg?from=\(from)&to=\(to)&step=60&direction=downlink",
                method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("meet (downlink)"))
                #expect(r.text.contains("one-way delay withheld: the reflector reports an unsynchronised clock"))
            }
            try await client.execute(
                uri: "/api/v1/links/11953/meet/smoke.svg?from=\(from)&to=\(to)&step=60&direction=uplink",
                method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("meet (uplink)") && !r.text.contains("withheld"))
                #expect(r.text.contains("stroke-width=\"2\""), "the uplink's median line is drawn")
            }
            // The commune's links say which is measured with STAMP (the dashboard then draws both directions).
            try await client.execute(
                uri: "/api/v1/communes/11953", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                struct Reply: Decodable {
                    struct Link: Decodable {
                        var target: String
                        var kind: String?
                    }
                    var links: [Link]
                }
                let links = try r.decode(Reply.self).links
                #expect(links.map(\.target) == ["hub", "meet"] && links.map(\.kind) == ["icmp", "stamp"])
            }
            let bad: [(String, String)] = [
                (
                    "meet/series?direction=sideways",
                    "must be forward or reverse (or uplink or downlink), not 'sideways'"
                ),
                ("meet/series?direction=up&direction=down", "'direction' is given 2 times"),
                (
                    "hub/series?direction=forward",
                    "target 'hub' is measured by icmp; only stamp targets have directions"
                ),
                ("hub/smoke.svg?direction=uplink", "only stamp targets have directions"),
            ]
            for (path, message) in bad {
                try await client.execute(
                    uri: "/api/v1/links/11953/\(path)", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
                ) { r in
                    #expect(r.status == .badRequest, "\(path)")
                    #expect(r.text.contains(message), "\(path): \(r.text)")
                }
            }
        }
    }

    @Test("call quality per direction: one-way delay where published, else half the round trip; own loss")
    func callQualityPerDirection() async throws {
        var configuration = Self.configuration()
        configuration.callQuality.target = "meet"
        try await withServer(configuration) { client, _ in
            // Rounds inside the board's 15-minute window ending at the server's now (2026-09-21T14:13:20Z).
            let batch =
                #"{"probe_id":"probe-11953","rounds":["#
                + Self.stampJSON(sequence: 1, start: "2026-09-21T14:05:00Z") + ","
                + Self.stampJSON(sequence: 2, start: "2026-09-21T14:06:00Z") + "]}"
            let (status, text) = try await Self.post(client, batch)
            #expect(status == .ok, "\(text)")
            struct Board: Decodable {
                struct Path: Decodable {
                    var direction: String?
                    var basis: String
                    var one_way_delay_ms: Double
                    var delay_variation_ms: Double
                    var loss_ratio: Double
                    var probes: Int
                    var r: Double
                    var grade: String
                }
                struct Commune: Decodable {
                    var code: String
                    var grade: String
                    var round_trip: Path?
                    var directions: [Path]
                }
                var communes: [Commune]
            }
            let board = try await client.execute(
                uri: "/api/v1/call-quality", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { try $0.decode(Board.self) }
            let commune = try #require(board.communes.first { $0.code == "11953" })
            let up = try #require(commune.directions.first)
            let down = try #require(commune.directions.last)
            #expect(commune.directions.map(\.direction) == ["uplink", "downlink"])
            // Uplink: its published one-way delay, its |IPDV|, its own 20 % loss.
            #expect(up.basis == "one_way" && abs(up.one_way_delay_ms - 3.5) < 1e-6, "\(up)")
            #expect(abs(up.delay_variation_ms - 0.2) < 1e-6 && up.loss_ratio == 0.2 && up.probes == 20)
            // Downlink: the delay withheld, so half the round trip's median (11 ms); its own loss, none.
            #expect(down.basis == "half_round_trip" && abs(down.one_way_delay_ms - 5.5) < 1e-6, "\(down)")
            #expect(abs(down.delay_variation_ms - 0.1) < 1e-6 && down.loss_ratio == 0)
            let roundTrip = try #require(commune.round_trip)
            #expect(roundTrip.basis == "half_round_trip" && roundTrip.direction == nil)
            // The commune is graded by its worse direction: the lossy uplink.
            #expect(up.r < down.r && commune.grade == up.grade, "\(commune)")
        }
    }

    @Test("old-format rounds without the fields still ingest; unknown keys (a newer probe's) are skipped")
    func compatibility() async throws {
        try await withServer(Self.configuration()) { client, store in
            // An ICMP round as probes wrote it before directions existed, and a stamp round without a breakdown.
            let old = """
                {"probe_id":"probe-11953","rounds":[{"probe_id":"probe-11953","sequence":1,"commune":"11953",\
                "target":"hub","address":"10.33.0.1","kind":"icmp","start":"2026-09-21T13:00:00Z",\
                "step_seconds":60,"sent":2,"received":2,"rtt_seconds":[0.01,0.02],"jitter_seconds":null},\
                {"probe_id":"probe-11953","sequence":2,"commune":"11953","target":"meet","address":"10.33.0.20",\
                "kind":"stamp","start":"2026-09-21T13:00:00Z","step_seconds":60,"sent":2,"received":1,\
                "rtt_seconds":[0.01]}]}
                """
            let (status, text) = try await Self.post(client, old)
            #expect(status == .ok)
            #expect(try JSONDecoder().decode(IngestReply.self, from: Data(text.utf8)).accepted == 2, "\(text)")
            // Fields this server does not know, in the round and inside the breakdown, are ignored: what lets an
            // older server take rounds with `directions` (both its decoders skip unknown keys).
            let newer =
                #"{"probe_id":"probe-11953","rounds":["#
                + Self.stampJSON(
                    sequence: 3, start: "2026-09-21T13:01:00Z", extra: #""mos_estimate":{"r":93.2},"#,
                    directionsExtra: #","one_way_loss_bursts":[1,2]"#) + "]}"
            let (newStatus, newText) = try await Self.post(client, newer)
            #expect(newStatus == .ok)
            #expect(try JSONDecoder().decode(IngestReply.self, from: Data(newText.utf8)).accepted == 1, "\(newText)")
            #expect(try await store.roundCount() == 3)
            let data = Data(newer.utf8)
            let fast = try #require(data.withUnsafeBytes { ProbeRoundBatch.decodeFast($0) })
            #expect(fast == (try WireCoding.makeDecoder().decode(ProbeRoundBatch.self, from: data)))
            #expect(fast.rounds.first?.directions?.forward.lost == 2)
            // What the current probe writes, read by a type that predates the field: the round, without it.
            struct OlderRound: Decodable {
                var kind: String
                var sent: Int
                var rtt_seconds: [Double]
            }
            let written = try WireCoding.makeEncoder().encode(fast.rounds[0])
            let older = try JSONDecoder().decode(OlderRound.self, from: written)
            #expect(older.kind == "stamp" && older.sent == 10 && older.rtt_seconds.count == 8)
            #expect(String(decoding: written, as: UTF8.self).contains(#""unattributed_loss":0"#))
            // A round without directions encodes exactly as before: no `directions` key at all.
            let plain = try WireCoding.makeEncoder().encode(Fixture.round(sequence: 9))
            #expect(!String(decoding: plain, as: UTF8.self).contains("directions"))
        }
    }

    @Test("breakdowns that cannot be right are refused round by round, naming the field")
    func refusedBreakdowns() async throws {
        try await withServer(Self.configuration()) { client, _ in
            let base = Self.stampJSON(sequence: 1, start: "2026-09-21T13:00:00Z")
            let cases: [(String, String, String, String)] = [
                (
                    #""forward":{"sent":10,"lost":2"#, #""forward":{"sent":10,"lost":11"#, "directions.forward.lost",
                    "must be in 0…sent (10), got 11"
                ),
                (
                    #""forward":{"sent":10,"lost":2"#, #""forward":{"sent":12,"lost":2"#, "directions.forward.sent",
                    "12 is more than the round sent (10)"
                ),
                (
                    #""forward":{"sent":10,"lost":2"#, #""forward":{"lost":2"#, "directions.forward.lost",
                    "sent and lost come together or not at all"
                ),
                (
                    #""pdv_seconds":0.0004"#, #""pdv_seconds":-0.5"#, "directions.reverse.pdv_seconds",
                    "must be seconds in [0, 3600), got -0.5"
                ),
                (
                    #""delay_median_seconds":0.0035"#, #""delay_median_seconds":0.0095"#,
                    "directions.forward.delay_median_seconds",
                    "must lie between delay_min_seconds and delay_max_seconds"
                ),
                (
                    #""unattributed_loss":0"#, #""unattributed_loss":11"#, "directions.unattributed_loss",
                    "must be in 0…sent (10), got 11"
                ),
                (
                    #""kind":"stamp""#, #""kind":"icmp""#, "directions",
                    "only stamp rounds carry directions, not icmp rounds"
                ),
            ]
            for (old, new, field, reason) in cases {
                let round = base.replacingOccurrences(of: old, with: new)
                #expect(round != base, "\(old)")
                let (status, text) = try await Self.post(
                    client, #"{"probe_id":"probe-11953","rounds":["# + round + "]}")
                #expect(status == .ok)
                let reply = try JSONDecoder().decode(IngestReply.self, from: Data(text.utf8))
                #expect(reply.accepted == 0)
                #expect(reply.rejected.first?.field == field, "\(text)")
                #expect(reply.rejected.first?.reason == reason, "\(text)")
            }
        }
    }
}
