import CoverageModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeasurementStore
import NIOCore
import NetmonServer
import Testing

/// Several files in one `multipart/form-data` upload, sent by hand: the parts as files, and bad bodies refused.
@Suite("Signal report uploads: several files in one multipart body")
struct MultipartUploadTests {
    /// A multipart body of `parts` (file name, Content-Type or nil, content) with `boundary`, after a preamble.
    static func body(_ parts: [(String, String?, String)], boundary: String, close: Bool = true) -> String {
        var text = "This preamble is ignored.\r\n"
        for (name, type, content) in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
            if let type { text += "Content-Type: \(type)\r\n" }
            text += "\r\n\(content)\r\n"
        }
        return text + (close ? "--\(boundary)--\r\nand an epilogue" : "")
    }

    static let csv = ([BadUploadTests.header] + BadUploadTests.good).joined(separator: "\n") + "\n"
    static let offsetless = "time,lat,lon,technology\n2026-01-05 08:00:00,20.65,106.05,4G\nnoon,20.65,106.05,4G\n"
    static let jsonLines = #"{"time":"2026-01-05T08:00:00+07:00","lat":20.66,"lon":106.06,"technology":"5G"}"# + "\n"

    static let cases: [BadUploadTests.Case] = [
        .init(
            name: "multipart without a boundary", uri: "/api/v1/reports", contentType: "multipart/form-data",
            body: "x", status: .badRequest, says: ["boundary"]),
        .init(
            name: "a part that is never closed", uri: "/api/v1/reports",
            contentType: "multipart/form-data; boundary=XyZ",
            body: body([("a.csv", nil, csv)], boundary: "XyZ", close: false), status: .badRequest,
            says: ["part 1 is not closed"]),
        .init(
            name: "a body with another boundary", uri: "/api/v1/reports",
            contentType: "multipart/form-data; boundary=XyZ", body: body([("a.csv", nil, csv)], boundary: "Other"),
            status: .badRequest, says: ["no '--XyZ' delimiter"]),
        .init(
            name: "a preset on a JSON Lines part", uri: "/api/v1/reports?preset=gnettrack",
            contentType: "multipart/form-data; boundary=XyZ",
            body: body([("a.csv", nil, csv), ("b.jsonl", nil, jsonLines)], boundary: "XyZ"), status: .badRequest,
            says: ["part 'b.jsonl' is jsonl"]),
        .init(
            name: "strict, a bad row in the second file", uri: "/api/v1/reports?strict=true",
            contentType: "multipart/form-data; boundary=XyZ",
            body: body(
                [
                    ("a.csv", "text/csv", csv),
                    ("b.csv", nil, csv + "2026-01-05T08:00:02+07:00,x,106.0,4G,452-04,-95,\n"),
                ],
                boundary: "XyZ"),
            status: .unprocessableContent, says: ["b.csv: row 5", "lat is not a number"]),
        .init(
            name: "CSV and JSON Lines in one upload", uri: "/api/v1/reports",
            contentType: "multipart/form-data; boundary=XyZ",
            body: body([("a.csv", nil, csv), ("b.jsonl", "application/x-ndjson", jsonLines)], boundary: "XyZ"),
            status: .badRequest, says: ["share one format", "'b.jsonl' is jsonl"]),
        .init(
            name: "an unknown time zone", uri: "/api/v1/reports?format=csv&timezone=Mars/Olympus", body: csv,
            status: .badRequest, says: ["unknown time zone 'Mars/Olympus'"]),
    ]

    @Test("a 4xx with where and what, and nothing stored", arguments: cases)
    func rejected(_ c: BadUploadTests.Case) async throws { try await BadUploadTests.check(c) }

    @Test("three CSV parts in one upload: one id, counts per file, rejections naming the file, the zone")
    func mixed() async throws {
        try await withServer(BadUploadTests.configuration(), testing: .live) { client, store in
            let body = Self.body(
                [("a.csv", "text/csv", Self.csv), ("b.txt", nil, Self.offsetless), ("c.CSV", nil, Self.csv)],
                boundary: "netmon boundary")
            let response = try await client.execute(
                uri: "/api/v1/reports?timezone=%2B07%3A00", method: .post,
                headers: CoverageFixture.adminHeaders(contentType: "multipart/form-data; boundary=\"netmon boundary\""),
                body: ByteBuffer(string: body))
            #expect(response.status == .created, "\(response.text)")
            let reply = try CoverageFixture.json(response)
            #expect(reply["accepted"] as? Int == 3 + 1 + 3)
            #expect(reply["format"] as? String == "csv")
            #expect(reply["timezone"] as? String == "UTC+07:00")
            let files = try #require(reply["files"] as? [[String: Any]])
            #expect(files.map { $0["name"] as? String } == ["a.csv", "b.txt", "c.CSV"])
            #expect(files.map { $0["format"] as? String } == ["csv", "csv", "csv"])
            #expect(files.map { $0["accepted"] as? Int } == [3, 1, 3])
            #expect(files.map { $0["bytes"] as? Int } == [Self.csv, Self.offsetless, Self.csv].map(\.utf8.count))
            let rejections = try #require(reply["rejections"] as? [[String: Any]])
            #expect(rejections.count == 1)
            #expect(rejections.first?["file"] as? String == "b.txt")
            #expect(rejections.first?["row"] as? Int == 3)
            #expect(try await store.signalReportCount() == 7)
            #expect(try await store.reportUploads().map(\.rowsAccepted) == [7])
        }
    }
}
