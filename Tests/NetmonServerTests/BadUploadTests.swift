import CoverageModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonServer
import Testing

/// Bad signal report uploads: a 4xx saying where and what, and nothing stored.
@Suite("Signal report uploads: bad input")
struct BadUploadTests {
    static let header = "time,lat,lon,technology,operator,rsrp_dbm,nr_ss_rsrp_dbm"
    static let good = [
        "2026-01-05T08:00:00+07:00,20.65,106.05,4G,452-04,-95,",
        "2026-01-05T08:00:01+07:00,20.6501,106.0501,5G,452-04,-97,-101",
        "1767574802,20.6502,106.0502,4G,452-01,-99,",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var uri: String
        var contentType: String? = nil
        var body: String
        var status: HTTPResponse.Status
        /// Text the error message must contain.
        var says: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "strict CSV with a bad row", uri: "/api/v1/reports?format=csv&strict=true",
            body: ([header, good[0], "2026-01-05T08:00:02+07:00,twenty,106.05,4G,452-04,-95,"] + good.dropFirst())
                .joined(separator: "\n"),
            status: .unprocessableContent, says: ["row 3", "lat is not a number"]),
        Case(
            name: "CSV whose every row is bad", uri: "/api/v1/reports?format=csv",
            body: [header, "x,20.6,106.0,6G,452-04,-95,", "2026-01-05T08:00:00+07:00,95,106.0,4G,452-04,-95,"].joined(
                separator: "\n"),
            status: .unprocessableContent,
            says: ["no row of the upload was accepted", "row 2", "unknown technology '6G'"]),
        Case(
            name: "CSV without a lat column", uri: "/api/v1/reports?format=csv",
            body: "time,latitude,lon,technology\n2026-01-05T08:00:00+07:00,20.6,106.0,4G\n", status: .badRequest,
            says: ["row 1", "'lat'"]),
        Case(
            name: "unknown preset", uri: "/api/v1/reports?format=csv&preset=opensignal",
            body: good.joined(separator: "\n"),
            status: .badRequest, says: ["no preset named 'opensignal'", "cork-5g"]),
        Case(
            name: "a preset on JSON Lines", uri: "/api/v1/reports?format=jsonl&preset=cork-5g", body: "{}\n",
            status: .badRequest, says: ["presets apply to CSV only"]),
        Case(
            name: "unknown format", uri: "/api/v1/reports?format=xlsx", body: "x", status: .badRequest,
            says: ["format must be"]),
        Case(
            name: "no format at all", uri: "/api/v1/reports", body: "x", status: .badRequest, says: ["format=csv"]),
        Case(
            name: "JSON Lines that are not JSON", uri: "/api/v1/reports", contentType: "application/x-ndjson",
            body: "{\"lat\": 20.6, \"lon\": 106.0, \"technology\": \"4G\"\nnot json at all\n",
            status: .unprocessableContent,
            says: ["row 1: not valid JSON"]),
        Case(
            name: "GeoJSON cut short", uri: "/api/v1/reports?format=geojson",
            body:
                #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[106.0,20.6]},"properties":{"technology":"4G""#,
            status: .badRequest, says: []),
        Case(
            name: "GeoJSON that is not a FeatureCollection", uri: "/api/v1/reports?format=geojson",
            body: #"{"type":"Point","coordinates":[106.0,20.6]}"#, status: .badRequest,
            says: ["no report rows", "FeatureCollection"]),
        Case(
            name: "an empty upload", uri: "/api/v1/reports?format=csv", body: "", status: .badRequest,
            says: ["row 1", "empty"]),
        Case(
            name: "strict=maybe", uri: "/api/v1/reports?format=csv&strict=maybe", body: good.joined(separator: "\n"),
            status: .badRequest, says: ["'strict' must be true or false"]),
        Case(
            name: "over the upload limit", uri: "/api/v1/reports?format=csv",
            body: ([header] + Array(repeating: good[0], count: 3000)).joined(separator: "\n"), status: .contentTooLarge,
            says: ["limit of 65536 bytes"]),
    ]

    /// No boundaries: uploads are stored, coverage is not computed (this suite is about input, not coverage).
    static func configuration() -> ServerConfiguration {
        var c = Fixture.configuration()
        c.boundariesPath = nil
        c.maxReportUploadBytes = 64 << 10
        c.coverageDebounce = .milliseconds(20)
        return c
    }

    @Test("a 4xx with where and what, and nothing stored", arguments: cases)
    func rejected(_ c: Case) async throws { try await Self.check(c) }

    /// Sends `c` to a fresh server: the status and words it names, nothing stored, one rejected upload counted.
    static func check(_ c: Case) async throws {
        try await withServer(Self.configuration(), testing: .live) { client, store in
            let response = try await client.execute(
                uri: c.uri, method: .post, headers: CoverageFixture.adminHeaders(contentType: c.contentType),
                body: ByteBuffer(string: c.body))
            #expect(response.status == c.status, "\(response.text)")
            let message = (try? CoverageFixture.json(response)["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(!message.isEmpty, "\(response.text)")
            for text in c.says { #expect(message.contains(text), "\(message)") }
            #expect(try await store.signalReportCount() == 0)
            #expect(try await store.reportUploads().isEmpty)
            let metrics = try await client.execute(
                uri: "/metrics", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ).text
            #expect(metrics.contains("netmon_server_report_uploads_total{result=\"rejected\"} 1\n"))
            #expect(metrics.contains("netmon_server_report_uploads_total{result=\"accepted\"} 0\n"))
        }
    }

    @Test("non-strict: bad rows are listed with their row numbers and the rest is kept")
    func partlyBad() async throws {
        try await withServer(Self.configuration(), testing: .live) { client, store in
            let body =
                ([Self.header, Self.good[0], "2026-01-05T08:00:02+07:00,20.6,106.0,4G,452-04,abc,"]
                + Self.good.dropFirst()
                + ["2026-01-05T08:00:02,20.6,106.0,4G,452-04,-95,"]).joined(separator: "\n")
            let response = try await client.execute(
                uri: "/api/v1/reports?format=csv", method: .post, headers: CoverageFixture.adminHeaders(),
                body: ByteBuffer(string: body))
            #expect(response.status == .created, "\(response.text)")
            let reply = try CoverageFixture.json(response)
            #expect(reply["rows_read"] as? Int == 5)
            #expect(reply["accepted"] as? Int == 3)
            #expect(reply["rejected"] as? Int == 2)
            let rejections = reply["rejections"] as? [[String: Any]] ?? []
            #expect(rejections.compactMap { $0["row"] as? Int } == [3, 6])
            #expect((rejections.first?["reason"] as? String)?.contains("rsrp_dbm is not a number") == true)
            #expect(try await store.signalReportCount() == 3)
        }
    }

    @Test("uploads need the admin role")
    func needsAdmin() async throws {
        try await withServer(Self.configuration(anonymousViewer: true), testing: .live) { client, store in
            let body = ByteBuffer(string: ([Self.header] + Self.good).joined(separator: "\n"))
            for (secret, status) in [
                (Fixture.viewerSecret, HTTPResponse.Status.forbidden), (nil, .forbidden), ("nope", .unauthorized),
            ] {
                let r = try await client.execute(
                    uri: "/api/v1/reports?format=csv", method: .post, headers: Fixture.headers(secret, json: false),
                    body: body)
                #expect(r.status == status)
            }
            #expect(try await store.signalReportCount() == 0)
            try await client.execute(uri: "/api/v1/reports", method: .get, headers: Fixture.headers(nil)) {
                #expect($0.status == .ok)
            }
        }
    }
}

extension BadUploadTests {
    static func configuration(anonymousViewer: Bool) -> ServerConfiguration {
        var c = configuration()
        c.anonymousRole = anonymousViewer ? .viewer : nil
        return c
    }
}
