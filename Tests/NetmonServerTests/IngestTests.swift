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
                    + [newer.rounds[2]])
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

    @Test("a batch that cannot be read, or is too large, gets a 4xx with a message and writes nothing")
    func badBatches() async throws {
        try await withServer(Fixture.configuration(maxBodyBytes: 256 * 1024)) { client, store in
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

    /// Issue 14, reproduction 4: one invalid round used to fail the whole batch (400), so the gateway retried the
    /// same oldest batch for ever. Now the valid rounds are stored and each invalid one is named with its reason.
    @Test("one bad round is rejected alone, with its index and reason; the valid rounds of the batch are stored")
    func badRoundsRejectedAlone() async throws {
        try await withServer { client, store in
            let cases: [(String, (inout ProbeRound) -> Void, String, String)] = [
                ("received > sent", { $0.received = 30 }, "received", "0…sent"),
                ("rtt count", { $0.rttSeconds.removeLast() }, "rtt_seconds", "holds 19 values"),
                (
                    "unsorted", { $0.rttSeconds = [0.02] + Array(repeating: 0.01, count: 19) }, "rtt_seconds[1]",
                    "sorted"
                ),
                ("negative rtt", { $0.rttSeconds[0] = -0.001 }, "rtt_seconds[0]", "[0, 3600)"),
                ("other commune", { $0.commune = "11977" }, "commune", "belongs to commune 11953"),
                ("other probe in round", { $0.probeID = "probe-11977" }, "probe_id", "differs"),
                ("kind", { $0.kind = "udp" }, "kind", "icmp, tcp, stamp or passive"),
                ("step", { $0.stepSeconds = 0 }, "step_seconds", "(0, 86400]"),
                ("negative sequence", { $0.sequence = -5 }, "sequence", "≥ 0"),
                ("empty target", { $0.target = "" }, "target", "printable"),
                ("control chars", { $0.target = "hub\u{7}" }, "target", "printable"),
                ("target over 128 characters", { $0.target = String(repeating: "t", count: 129) }, "target", "1–128"),
                ("unknown target", { $0.target = "mail" }, "target", "not a target of commune 11953"),
                (
                    "passive site unknown",
                    {
                        $0.kind = "passive"; $0.target = "passive:nowhere"
                    }, "target", "not a target"
                ),
                ("clock of 1970", { $0.start = Date(timeIntervalSince1970: 60) }, "start", "before 2000"),
                ("a day ahead", { $0.start = Fixture.now.addingTimeInterval(86400) }, "start", "clock is ahead"),
            ]
            var sequence: Int64 = 100
            for (name, edit, field, reason) in cases {
                let good1 = Fixture.round(sequence: sequence, start: Fixture.now.addingTimeInterval(-600))
                var bad = Fixture.round(sequence: sequence + 1, start: Fixture.now.addingTimeInterval(-540))
                edit(&bad)
                let good2 = Fixture.round(sequence: sequence + 2, start: Fixture.now.addingTimeInterval(-480))
                sequence += 3
                let before = try await store.roundCount()
                try await client.execute(
                    uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                    body: Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: [good1, bad, good2]))
                ) { r in
                    #expect(r.status == .ok, "\(name): \(r.text)")
                    let reply = try r.decode(IngestReply.self)
                    #expect(reply.accepted == 2, "\(name): \(r.text)")
                    #expect(reply.rejected.count == 1, "\(name): \(r.text)")
                    #expect(reply.rejected.first?.index == 1, "\(name)")
                    #expect(reply.rejected.first?.field == field, "\(name): \(r.text)")
                    #expect(reply.rejected.first?.reason.contains(reason) == true, "\(name): \(r.text)")
                }
                #expect(try await store.roundCount() == before + 2, "\(name)")
            }
        }
    }

    /// Issue 14, reproduction 5: a round dated up to a day ahead used to be accepted and pinned the link's state.
    @Test("rounds ahead of the server's clock by more than the allowed skew are rejected; within it they count")
    func clockSkew() async throws {
        var configuration = Fixture.configuration()
        configuration.maxClockSkewSeconds = 120
        try await withServer(configuration) { client, store in
            let within = Fixture.round(sequence: 1, start: Fixture.now.addingTimeInterval(30))  // ends 90 s ahead
            let beyond = Fixture.round(sequence: 2, start: Fixture.now.addingTimeInterval(100))  // ends 160 s ahead
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                body: Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: [within, beyond]))
            ) { r in
                let reply = try r.decode(IngestReply.self)
                #expect(reply.accepted == 1)
                #expect(reply.rejected.map(\.sequence) == [2])
                #expect(reply.rejected.first?.reason.contains("160 s after the server's clock") == true, "\(r.text)")
            }
            #expect(try await store.roundCount() == 1)
        }
    }

    /// Issue 14, reproduction 5: a gateway whose clock jumped ahead and back. Its later rounds (higher sequence
    /// numbers from the same store) carry earlier start times; they, not the round from the future, are the link's
    /// current state.
    @Test("a link's current round is the same store's highest sequence, whatever the gateway clock said")
    func clockJumpDoesNotPinLink() async throws {
        try await withServer { client, store in
            let ahead = Fixture.round(sequence: 1, start: Fixture.now.addingTimeInterval(60), rttMs: [5])
            var lossy = Fixture.round(sequence: 2, start: Fixture.now.addingTimeInterval(-300), rttMs: [])
            lossy.received = 0
            for round in [ahead, lossy] {
                try await client.execute(
                    uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                    body: Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: [round]))
                ) {
                    #expect($0.status == .ok, "\($0.text)")
                }
            }
            let latest = try await store.latestRounds()
            #expect(latest.count == 1)
            #expect(latest.first?.round.sequence == 2)
            #expect(latest.first?.round.lossRatio == 1)
        }
    }

    /// Issue 14, reproduction 3: a re-flashed gateway starts again at sequence 1. The server used to answer
    /// `accepted: 0, duplicates: 1` and the gateway deleted rounds it had never delivered. Rounds from the new
    /// store (another store id) are new rounds; the same identity with other content is a conflict, not a duplicate.
    @Test("a rebuilt gateway store's rounds are stored beside the old ones; reused numbers with new content conflict")
    func rebuiltGatewayStore() async throws {
        try await withServer { client, store in
            func post(_ rounds: [ProbeRound]) async throws -> IngestReply {
                var reply: IngestReply?
                try await client.execute(
                    uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers(Fixture.probeSecret),
                    body: Fixture.body(ProbeRoundBatch(probeID: "probe-11953", rounds: rounds))
                ) { r in
                    #expect(r.status == .ok, "\(r.text)")
                    reply = try r.decode(IngestReply.self)
                }
                return try #require(reply)
            }
            func round(_ sequence: Int64, store: String?, minutesAgo: Double) -> ProbeRound {
                var r = Fixture.round(sequence: sequence, start: Fixture.now.addingTimeInterval(-minutesAgo * 60))
                r.storeID = store
                return r
            }
            let first = try await post((1...3).map { round($0, store: "aaaa", minutesAgo: 30 - Double($0)) })
            #expect(first.accepted == 3)
            // The gateway's database was wiped: a new store numbers from 1 again.
            let rebuilt = try await post((1...3).map { round($0, store: "bbbb", minutesAgo: 10 - Double($0)) })
            #expect(rebuilt.accepted == 3 && rebuilt.duplicates == 0 && rebuilt.conflicts.isEmpty)
            #expect(try await store.roundCount() == 6)
            // Sent again unchanged (a lost acknowledgement): duplicates.
            let again = try await post((1...3).map { round($0, store: "bbbb", minutesAgo: 10 - Double($0)) })
            #expect(again.accepted == 0 && again.duplicates == 3)
            // A store restored from an old backup reuses numbers with other rounds: conflicts, never duplicates.
            let restored = try await post([
                round(3, store: "bbbb", minutesAgo: 2), round(4, store: "bbbb", minutesAgo: 1),
            ])
            #expect(restored.accepted == 1 && restored.duplicates == 0)
            #expect(restored.conflicts.map(\.index) == [0])
            #expect(restored.conflicts.first?.storeID == "bbbb")
            // Inside one batch, the same identity twice with other content is a conflict too.
            let twice = try await post([round(9, store: "cccc", minutesAgo: 3), round(9, store: "cccc", minutesAgo: 2)])
            #expect(twice.accepted == 1 && twice.conflicts.map(\.index) == [1])
            #expect(try await store.roundCount() == 8)
            // Rounds from probes that predate store ids keep their old identity.
            let legacy = try await post([round(1, store: nil, minutesAgo: 40)])
            #expect(legacy.accepted == 1)
            #expect(try await store.roundCount() == 9)
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

    /// Issue 14, reproduction 2: a probe token for a probe id that sites.yaml does not know could ingest for any
    /// commune. Now such a token stops start-up, and a probe may write only its own commune's configured targets.
    @Test("a tokens file with a probe id no commune has stops start-up, naming it")
    func unknownProbeInTokensFile() async throws {
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let ghost = TokenGrant(name: "ghost-gw", role: .probe, probeID: "ghost-gw", secret: "ghost-secret-0123456789")
        #expect {
            _ = try buildApplication(
                configuration: Fixture.configuration(), store: store, port: 0, tokens: Fixture.grants + [ghost])
        } throws: { error in
            "\(error)".contains("'ghost-gw'") && "\(error)".contains("probe_id")
        }
    }

    @Test("a stored probe token for a probe no longer in sites.yaml stops start-up unless revoked on purpose")
    func unknownStoredProbeToken() async throws {
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        try await store.migrate()
        try await store.saveToken(
            StoredToken(
                name: "old-gw", role: .probe, probeID: "probe-00000",
                hash: TokenHash(token: "old-gw-secret-0123456789"),
                createdAt: Fixture.now))
        let refusing = try buildApplication(
            configuration: Fixture.configuration(), store: store, port: 0, tokens: Fixture.grants)
        await #expect {
            try await refusing.test(.router) { _ in }
        } throws: { error in
            "\(error)".contains("'old-gw'") && "\(error)".contains("--revoke-unknown-probe-tokens")
        }
        let revoking = try buildApplication(
            configuration: Fixture.configuration(), store: store, port: 0, tokens: Fixture.grants,
            revokeUnknownProbeTokens: true)
        try await revoking.test(.router) { client in
            let batch = ProbeRoundBatch(
                probeID: "probe-00000", rounds: [Fixture.round(probe: "probe-00000", commune: "11953", sequence: 1)])
            try await client.execute(
                uri: "/api/v1/ingest/rounds", method: .post, headers: Fixture.headers("old-gw-secret-0123456789"),
                body: Fixture.body(batch)
            ) {
                #expect($0.status == .unauthorized)
            }
        }
        #expect(try await store.tokens().contains { $0.name == "old-gw" } == false)
        #expect(try await store.roundCount() == 0)
    }

    @Test("a token deleted through the API stays deleted when the server restarts with the same tokens file")
    func deletedTokenStaysDeleted() async throws {
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let first = try buildApplication(
            configuration: Fixture.configuration(), store: store, port: 0, tokens: Fixture.grants)
        try await first.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/admin/tokens/noc", method: .delete, headers: Fixture.headers(Fixture.adminSecret)
            ) {
                #expect($0.status == .noContent)
            }
        }
        #expect(try await store.isRevoked(TokenHash(token: Fixture.viewerSecret)))
        let restarted = try buildApplication(
            configuration: Fixture.configuration(), store: store, port: 0, tokens: Fixture.grants)
        try await restarted.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/communes", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) {
                #expect($0.status == .unauthorized, "\($0.text)")
            }
            try await client.execute(
                uri: "/api/v1/communes", method: .get, headers: Fixture.headers(Fixture.adminSecret)
            ) {
                #expect($0.status == .ok)
            }
        }
    }
}
