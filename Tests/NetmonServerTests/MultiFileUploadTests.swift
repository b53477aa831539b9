import CoverageModel
import Foundation
import TestSupport
import Testing

/// `netmon coverage upload` sending a folder of raw G-NetTrack logs to a real `netmon serve` as one multipart upload.
@Suite(
    "netmon coverage upload: a folder in one upload to netmon serve", .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: NetmonBinary.path), "needs the built netmon binary"),
    .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"))
struct MultiFileUploadTests {
    static let logs = ["B_2019.12.14_10.16.30.csv", "B_2019.12.16_13.40.04.csv"]

    /// Two rows the preset rejects among three it keeps (rows 3 and 5 of the file).
    static let badLog = """
        Timestamp,Longitude,Latitude,Speed,Operatorname,CellID,NetworkMode,RSRP,RSRQ,SNR,CQI,RSSI,DL_bitrate,UL_bitrate,State,PINGAVG,PINGMIN,PINGMAX,PINGSTDEV,PINGLOSS,CELLHEX,NODEHEX,LACHEX,RAWCELLID,NRxRSRP,NRxRSRQ
        2025.06.01_08.00.00,106.05,20.65,0,Viettel,7,5G,-95,-11,9.0,11,-70,1200,80,D,-,-,-,-,-,C,A81B,9CBA,11016972,-98.0,-12.0
        2025-06-01 08:00:01,106.05,20.65,0,Viettel,7,LTE,-95,-11,9.0,11,-70,1200,80,D,-,-,-,-,-,C,A81B,9CBA,11016972,-,-
        2025.06.01_08.00.02,106.05,20.65,0,Viettel,7,HSPA+,-81,-7,-,-,-,300,20,D,-,-,-,-,-,C,A81B,9CBA,11016972,-51.0,-24.0
        2025.06.01_08.00.03,106.05,20.65,0,-,7,WiMAX,-95,-11,9.0,11,-70,1200,80,D,-,-,-,-,-,C,A81B,9CBA,11016972,-,-
        2025.06.01_08.00.04,106.05,20.65,0,-,7,LTE,-,-,-,-,-,-,-,D,-,-,-,-,-,C,A81B,9CBA,11016972,-,-

        """

    /// The body of an HTTP/1.1 response text (plain or chunked).
    static func body(_ reply: String) -> String {
        guard let split = reply.range(of: "\r\n\r\n") else { return "" }
        let head = reply[..<split.lowerBound].lowercased()
        var rest = Substring(reply[split.upperBound...])
        guard head.contains("transfer-encoding: chunked") else { return String(rest) }
        var out = ""
        while let line = rest.range(of: "\r\n"), let size = Int(rest[..<line.lowerBound], radix: 16), size > 0 {
            let start = rest.utf8.index(line.upperBound, offsetBy: 0)
            let end = rest.utf8.index(start, offsetBy: size)
            out += String(rest[start..<end])
            rest = rest[end...].dropFirst(2)
        }
        return out
    }

    static func listing(port: Int) async throws -> [String: Any] {
        let request = Array(
            "GET /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(APIFuzzTests.secrets["viewer"] ?? "")\r\nConnection: close\r\n\r\n"
                .utf8)
        let reply = try await offPool { try rawExchange(port: port, request: request) }
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(
            try JSONSerialization.jsonObject(with: Data(Self.body(reply.text).utf8)) as? [String: Any])
    }

    @Test("one upload of three files: counts per file as CoverageModel reads them, rejections as file:row, one id")
    func folderInOneUpload() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory() + "netmon-multiupload-\(UUID().uuidString)")
        let folder = directory.appendingPathComponent("logs").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in Self.logs {
            try FileManager.default.copyItem(
                atPath: RepositoryData.shared("drive-tests/gnettrack/\(name)"), toPath: folder + "/" + name)
        }
        try Self.badLog.write(toFile: folder + "/C_bad.txt", atomically: true, encoding: .utf8)
        let token = directory.appendingPathComponent("admin.token").path
        try "\(APIFuzzTests.secrets["admin"] ?? "")\n".write(toFile: token, atomically: true, encoding: .utf8)

        let server = try await APIFuzzTests.startServer(in: directory)
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        let upload = [
            NetmonBinary.path, "coverage", "upload", "--server", url, "--token-file", token, "--preset", "gnettrack",
            "--timezone", "Europe/Dublin",
        ]

        // What CoverageModel reads from each file.
        var mapping = ColumnMapping.gnettrack
        mapping.timeZone = try TimeZoneRule(parsing: "Europe/Dublin")
        var expected: [(String, ImportSummary)] = []
        for name in Self.logs + ["C_bad.txt"] {
            let reader = try makeReportReader(path: folder + "/" + name, mapping: mapping)
            while try reader.next() != nil {}
            expected.append((name, reader.summary))
        }
        let accepted = expected.reduce(0) { $0 + $1.1.acceptedCount }
        #expect(accepted == 3298 + 3)

        let run = try await offPool { try Shell.run(upload + [folder, "--json"], check: false) }
        #expect(run.status == 0, "\(run.stderr)")
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(reply["accepted"] as? Int == accepted)
        #expect(reply["rejected"] as? Int == 2)
        #expect(reply["timezone"] as? String == "Europe/Dublin")
        #expect(reply["preset"] as? String == "gnettrack")
        let files = try #require(reply["files"] as? [[String: Any]])
        #expect(files.map { $0["name"] as? String } == expected.map(\.0))
        for (file, (name, summary)) in zip(files, expected) {
            #expect(file["rows_read"] as? Int == summary.rowsRead, "\(name)")
            #expect(file["accepted"] as? Int == summary.acceptedCount, "\(name)")
            #expect(file["rejected"] as? Int == summary.rejectedCount, "\(name)")
            #expect(
                file["accepted_by_technology"] as? [String: Int]
                    == Dictionary(uniqueKeysWithValues: summary.accepted.map { ($0.key.rawValue, $0.value) }))
            #expect(file["format"] as? String == "csv")
        }
        let rejections = try #require(reply["rejections"] as? [[String: Any]])
        #expect(rejections.map { $0["file"] as? String } == ["C_bad.txt", "C_bad.txt"])
        #expect(rejections.map { $0["row"] as? Int } == [3, 5])
        #expect((rejections.first?["reason"] as? String)?.hasPrefix("time is not G-NetTrack's") == true)
        #expect(rejections.last?["reason"] as? String == "unknown technology 'WiMAX'")

        // The server keeps one upload holding every accepted row.
        let listing = try await Self.listing(port: server.port)
        let uploads = try #require(listing["uploads"] as? [[String: Any]])
        #expect(uploads.count == 1)
        #expect(uploads.first?["id"] as? String == reply["upload_id"] as? String)
        #expect(uploads.first?["rows_accepted"] as? Int == accepted)
        #expect(uploads.first?["rows_rejected"] as? Int == 2)
        #expect(listing["reports"] as? Int == accepted)

        // The human summary; --strict refuses the whole upload at the first bad row, naming its file and row.
        let table = try await offPool { try Shell.run(upload + [folder + "/C_bad.txt"], check: false) }
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("  C_bad.txt: read 5 rows: 3 accepted (3G 1, 4G 1, 5G 1), 2 rejected"))
        #expect(table.stdout.contains("rejected C_bad.txt:5: unknown technology 'WiMAX'"), "\(table.stdout)")
        let strict = try await offPool { try Shell.run(upload + ["--strict", folder], check: false) }
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("C_bad.txt: row 3: time is not G-NetTrack's"), "\(strict.stderr)")
        #expect((try await Self.listing(port: server.port)["uploads"] as? [[String: Any]])?.count == 2)

        // A wrong token: refused, nothing stored.
        try "not-a-token\n".write(toFile: token, atomically: true, encoding: .utf8)
        let refused = try await offPool { try Shell.run(upload + [folder], check: false) }
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("(401)"), "\(refused.stderr)")
        #expect((try await Self.listing(port: server.port)["uploads"] as? [[String: Any]])?.count == 2)
    }
}
