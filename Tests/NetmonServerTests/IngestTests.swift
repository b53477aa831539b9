import Foundation
import HTTPTypes
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonProtocol
import NetmonServer
import Testing

@Suite("Ingest over HTTP: tokens, deduplication, bad input")
struct IngestTests {
    @Test("a batch is accepted, a repeat is all duplicates, an older batch after a newer one is accepted")
    func dedupAndOrder() async throws {
        try await withServer { client, store in
            let newer = ProbeRoundBatch(
                probeID: "probe-11953",
                rounds: (10..<15).map {
                    Fixture.round(sequence: Int64($0), start: Fixture.now.addingTimeInterval(Double($0) * 60 - 1200))
                })
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                body: Fixture.body(newer)
            ) { r in
                #expect(r.status == .ok)
                let reply = try r.decode(IngestReply.self)
                #expect(reply.accepted == 5 && reply.duplicates == 0 && reply.received == 5)
            }
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                body: Fixture.body(newer)
            ) { r in
                let reply = try r.decode(IngestReply.self)
                #expect(reply.accepted == 0 && reply.duplicates == 5)
            }
            let older = ProbeRoundBatch(
                probeID: "probe-11953",
                rounds: (0..<3).map {
                    Fixture.round(sequence: Int64($0), start: Fixture.now.addingTimeInterval(Double($0) * 60 - 3000))
                }
                    + [Fixture.round(sequence: 12)])
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                body: Fixture.body(older)
            ) { r in
                let reply = try r.decode(IngestReply.self)
                #expect(reply.accepted == 3 && reply.duplicates == 1)
            }
            #expect(try await store.roundCount() == 8)
            // The newest round stays the link's current one.
            #expect(try await store.latestRounds().first?.round.sequence == 14)
        }
    }

    @Test("tokens: missing, malformed, unknown, wrong role, other probe")
    func authorization() async throws {
        try await withServer { client, store in
            let batch = Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: [Fixture.round(sequence: 1)]))
            let cases: [(HTTPFields, HTTPResponse.Status, String)] = [
                (Fixture.headers(nil), .unauthorized, "missing Authorization"),
                ([.authorization: "Basic abc", .contentType: "application/json"], .unauthorized, "Bearer"),
                (Fixture.headers("nope"), .unauthorized, "unknown token"),
                (Fixture.headers(Fixture.viewerSecret), .forbidden, "probe role"),
                (Fixture.headers(Fixture.adminSecret), .forbidden, "probe role"),
                (Fixture.headers(Fixture.otherProbeSecret), .forbidden, "may ingest for probe 'probe-11977' only"),
            ]
            for (headers, status, message) in cases {
                try await client.execute(uri: "/api/v1/ingest/rounds", method: .post, headers: headers, body: batch) {
                    r in
                    #expect(r.status == status)
                    let said = try r.decode(ErrorReply.self).error.message
                    #expect(said.contains(message), "\(said)")
                }
            }
            // Probe tokens cannot read; viewers can.
            try await client.execute(
                uri: "/api/v1/communes", method: .get, headers: Fixture.headers(Fixture.probeSecret)
            ) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/communes", method: .get, headers: Fixture.headers(nil)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/api/v1/communes", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .ok)
            }
            // Viewers cannot manage tokens.
            try await client.execute(
                uri: "/api/v1/admin/tokens", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .forbidden)
            }
            #expect(try await store.roundCount() == 0)
        }
    }

    @Test("every kind of bad batch gets a 4xx with a message and writes nothing")
    func badInputs() async throws {
        try await withServer(Fixture.configuration(maxBodyBytes: 256 * 1024)) { client, store in
            func batch(_ edit: (inout ProbeRound) -> Void) -> ByteBuffer {
                var good = Fixture.round(sequence: 1)
                var bad = Fixture.round(sequence: 2)
                edit(&bad)
                good.sequence = 1
                return Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: [good, bad]))
            }
            func raw(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }
            let valid =
                #"{"probe_id":"probe-11953","rounds":[{"probe_id":"probe-11953","sequence":1,"commune":"11953","target":"hub","address":"10.33.0.1","kind":"icmp","start":"2026-09-21T13:00:00Z","step_seconds":60,"sent":2,"received":1,"rtt_seconds":[0.01],"jitter_seconds":null}]}"#
            let cases: [(String, ByteBuffer, HTTPFields, HTTPResponse.Status, String)] = [
                (
                    "not JSON", raw("{rounds: nope"), Fixture.headers(Fixture.probeSecret), .badRequest,
                    "invalid ProbeRoundBatch"
                ),
                ("empty body", raw(""), Fixture.headers(Fixture.probeSecret), .badRequest, "invalid ProbeRoundBatch"),
                (
                    "wrong type", raw(#"{"probe_id":"probe-11953","rounds":{}}"#), Fixture.headers(Fixture.probeSecret),
                    .badRequest, "rounds"
                ),
                (
                    "missing field", raw(valid.replacingOccurrences(of: #""sent":2,"#, with: "")),
                    Fixture.headers(Fixture.probeSecret), .badRequest, "rounds[0].sent"
                ),
                (
                    "bad time", raw(valid.replacingOccurrences(of: "2026-09-21T13:00:00Z", with: "yesterday")),
                    Fixture.headers(Fixture.probeSecret), .badRequest, "RFC 3339"
                ),
                (
                    "NaN", raw(valid.replacingOccurrences(of: "[0.01]", with: "[NaN]")),
                    Fixture.headers(Fixture.probeSecret), .badRequest, "invalid"
                ),
                (
                    "content type", raw(valid),
                    [.authorization: "Bearer \(Fixture.probeSecret)", .contentType: "text/csv"], .unsupportedMediaType,
                    "application/json"
                ),
                (
                    "received > sent", batch { $0.received = 30 }, Fixture.headers(Fixture.probeSecret), .badRequest,
                    "rounds[1].received"
                ),
                (
                    "rtt count", batch { $0.rttSeconds.removeLast() }, Fixture.headers(Fixture.probeSecret),
                    .badRequest, "rounds[1].rtt_seconds"
                ),
                (
                    "unsorted", batch { $0.rttSeconds = [0.02] + Array(repeating: 0.01, count: 19) },
                    Fixture.headers(Fixture.probeSecret), .badRequest, "sorted"
                ),
                (
                    "negative rtt", batch { $0.rttSeconds[0] = -0.001 }, Fixture.headers(Fixture.probeSecret),
                    .badRequest, "rtt_seconds[0]"
                ),
                (
                    "other commune", batch { $0.commune = "11977" }, Fixture.headers(Fixture.probeSecret), .badRequest,
                    "belongs to commune 11953"
                ),
                (
                    "other probe in round", batch { $0.probeID = "probe-11977" }, Fixture.headers(Fixture.probeSecret),
                    .badRequest, "rounds[1].probe_id"
                ),
                (
                    "kind", batch { $0.kind = "udp" }, Fixture.headers(Fixture.probeSecret), .badRequest,
                    "rounds[1].kind"
                ),
                (
                    "future", batch { $0.start = Fixture.now.addingTimeInterval(3 * 86400) },
                    Fixture.headers(Fixture.probeSecret), .badRequest, "future"
                ),
                (
                    "step", batch { $0.stepSeconds = 0 }, Fixture.headers(Fixture.probeSecret), .badRequest,
                    "step_seconds"
                ),
                (
                    "negative sequence", batch { $0.sequence = -5 }, Fixture.headers(Fixture.probeSecret), .badRequest,
                    "sequence"
                ),
                ("empty target", batch { $0.target = "" }, Fixture.headers(Fixture.probeSecret), .badRequest, "target"),
                (
                    "control chars", batch { $0.target = "hub\u{7}" }, Fixture.headers(Fixture.probeSecret),
                    .badRequest, "target"
                ),
                (
                    "too large", raw(String(repeating: " ", count: 300 * 1024) + valid),
                    Fixture.headers(Fixture.probeSecret), .contentTooLarge, "exceeds"
                ),
                (
                    "too many rounds",
                    Fixture.body(
                        ProbeRoundBatch(
                            probeID: "probe-11953",
                            rounds: (0..<501).map { Fixture.round(sequence: Int64($0), rttMs: [1]) })),
                    Fixture.headers(Fixture.probeSecret), .contentTooLarge, "at most 500"
                ),
            ]
            for (name, body, headers, status, message) in cases {
                try await client.execute(uri: "/api/v1/ingest/rounds", method: .post, headers: headers, body: body) {
                    r in
                    #expect(r.status == status, "\(name): \(r.text)")
                    let text = (try? r.decode(ErrorReply.self).error.message) ?? "<no message: \(r.text)>"
                    #expect(text.contains(message), "\(name): \(text)")
                }
            }
            #expect(try await store.roundCount() == 0)
            #expect(try await store.probes().isEmpty)
            // The valid body itself is accepted afterwards.
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                body: raw(valid)
            ) {
                #expect($0.status == .ok, "\($0.text)")
            }
        }
    }

    @Test("the per-token rate limit answers 429 with Retry-After; other tokens are unaffected")
    func rateLimit() async throws {
        try await withServer(Fixture.configuration(rateLimit: RateLimit(requestsPerSecond: 0.5, burst: 2))) {
            client, _ in
            let body = Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: []))
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                    body: body
                ) { r in
                    statuses.append(r.status)
                    if r.status == .tooManyRequests { #expect(r.headers[.retryAfter] != nil) }
                }
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            try await client.execute(
                uri: "/api/v1/communes", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("an admin creates a probe token that then ingests; deleting it revokes it")
    func adminTokens() async throws {
        try await withServer { client, store in
            var secret = ""
            try await client.execute(
                uri: "/api/v1/admin/tokens", method: .post, headers: Fixture.headers(Fixture.adminSecret),
                body: ByteBuffer(string: #"{"name":"gw-12025","role":"probe","probe_id":"probe-12025"}"#)
            ) { r in
                #expect(r.status == .created)
                struct T: Decodable { var token: String }
                secret = try r.decode(T.self).token
            }
            #expect(secret.hasPrefix("nm_"))
            #expect(try await store.tokens().contains { $0.name == "gw-12025" && $0.hash == TokenHash(token: secret) })
            let batch = Fixture.body(
                ProbeRoundBatch(
                    probeID: "probe-12025", rounds: [Fixture.round(probe: "probe-12025", commune: "12025", sequence: 1)]
                ))
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(secret), body: batch
            ) {
                #expect($0.status == .ok, "\($0.text)")
            }
            for bad in [
                #"{"name":"x","role":"root"}"#, #"{"name":"x","role":"probe","probe_id":"probe-99999"}"#,
                #"{"name":"x","role":"viewer","probe_id":"probe-12025"}"#, #"{"role":"viewer"}"#,
            ] {
                try await client.execute(
                    uri: "/api/v1/admin/tokens", method: .post, headers: Fixture.headers(Fixture.adminSecret),
                    body: ByteBuffer(string: bad)
                ) {
                    #expect($0.status == .badRequest, "\(bad): \($0.text)")
                }
            }
            try await client.execute(
                uri: "/api/v1/admin/tokens/gw-12025", method: .delete, headers: Fixture.headers(Fixture.adminSecret)
            ) {
                #expect($0.status == .noContent)
            }
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(secret), body: batch
            ) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
