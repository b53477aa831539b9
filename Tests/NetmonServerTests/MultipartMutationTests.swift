import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonLab
import NetmonServer
import TestSupport
import Testing

/// Seeded random damage to `multipart/form-data` report uploads, through the real router in-process: the body's
/// bytes (delimiters, line breaks, part headers, contents) and the Content-Type's boundary. Each answer is a 201
/// or a 4xx whose message names the problem; never a 5xx, never a crash. The seed is in the arguments.
@Suite("Report uploads: mutated multipart bodies")
struct MultipartMutationTests {
    static let boundary = "netmon-Xy9"
    static let body = MultipartUploadTests.body(
        [
            ("a.csv", "text/csv", MultipartUploadTests.csv), ("b.txt", nil, MultipartUploadTests.offsetless),
            ("c.CSV", nil, MultipartUploadTests.csv),
        ],
        boundary: Self.boundary)

    static let alphabet = Array("-\r\n\"; =:abcXy9netmo,0123456789.".utf8) + [0x00, 0xFF, 0xC3, 0x09]
    static let contentTypes = [
        "multipart/form-data; boundary=\(boundary)", "multipart/form-data; boundary=\"\(boundary)\"",
        "multipart/form-data; boundary=netmon-Xy", "multipart/form-data; boundary=\(boundary)-",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"", "multipart/form-data",
        "multipart/form-data; charset=utf-8; boundary=\(boundary)", "MULTIPART/FORM-DATA;BOUNDARY=\(boundary)",
        "multipart/form-data; boundary=\(String(repeating: "b", count: 71))", "multipart/mixed; boundary=\(boundary)",
    ]

    @Test("seeded mutations of a three-file upload: a 201 or a 4xx naming the problem", arguments: [UInt64(101)])
    func mutatedBodies(seed: UInt64) async throws {
        print("MultipartMutationTests: seed \(seed)")
        try await withServer(BadUploadTests.configuration(), testing: .router) { client, _ in
            let first = try await client.execute(
                uri: "/api/v1/reports", method: .post,
                headers: CoverageFixture.adminHeaders(contentType: Self.contentTypes[0]),
                body: ByteBuffer(string: Self.body))
            #expect(first.status == .created, "the unmutated upload: \(first.text)")
            var random = SplitMix64(seed: seed)
            var statuses: [Int: Int] = [:]
            for iteration in 0..<400 {
                let bytes = InputMutation.bytes(
                    Array(Self.body.utf8), alphabet: Self.alphabet, maxEdits: 4, using: &random)
                let contentType =
                    Int.random(in: 0..<4, using: &random) == 0
                    ? Self.contentTypes.randomElement(using: &random) ?? "" : Self.contentTypes[0]
                let response = try await client.execute(
                    uri: "/api/v1/reports", method: .post,
                    headers: CoverageFixture.adminHeaders(contentType: contentType),
                    body: ByteBuffer(bytes: bytes))
                let note = "seed \(seed) iteration \(iteration)"
                statuses[Int(response.status.code), default: 0] += 1
                #expect(
                    response.status == .created || (400..<500).contains(response.status.code),
                    "\(note): \(response.status) \(response.text)")
                if response.status != .created {
                    let message =
                        (try? CoverageFixture.json(response)["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(!message.isEmpty, "\(note): \(response.status) without a message: \(response.text)")
                }
            }
            #expect((statuses[201] ?? 0) > 0 && (statuses[400] ?? 0) > 0, "\(statuses)")
        }
    }
}
