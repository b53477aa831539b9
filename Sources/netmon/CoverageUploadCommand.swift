import ArgumentParser
import AsyncHTTPClient
import CoverageModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

extension Netmon.Coverage {
    /// `netmon coverage upload`: report files, or folders of them, sent to a server as one upload.
    struct CoverageUpload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upload",
            abstract: "Send signal report files (or folders of them) to a netmon server as one upload.",
            discussion: """
                The files go in one multipart/form-data request to POST /api/v1/reports (an admin token): the server \
                keeps them as one upload (one id, deleted together) and replies with counts per file; rejected rows \
                are listed as FILE:ROW: reason. A folder stands for its .csv and .txt files in name order. Exit \
                status: 0 when the server stored the upload, 1 when it refused it or could not be reached, 2 for a \
                bad token file.
                """
        )

        @Option(name: .long, help: "The server's base URL (http:// or https://).")
        var server: String

        @Option(name: .customLong("token-file"), help: "A file holding an admin bearer token.")
        var tokenFile: String

        @Argument(help: "Report files or folders (CSV through --preset, JSON Lines, GeoJSON points).")
        var reports: [String]

        @Option(name: .long, help: "Column mapping for CSV files: canonical (default), cork-5g or gnettrack.")
        var preset: String = "canonical"

        @Option(
            name: .long,
            help: "Time zone of CSV times without a UTC offset (IANA name, UTC or +07:00); default: the preset's.")
        var timezone: String?

        @Flag(name: .long, help: "Refuse the whole upload at the first bad row.")
        var strict = false

        @Option(name: .customLong("ca-file"), help: "PEM roots to trust for an https server instead of the system's.")
        var caFile: String?

        @Option(name: .long, help: "Seconds to wait for the whole exchange.")
        var timeout: Int = 600

        @Flag(name: .long, help: "Print the server's JSON reply as it is.")
        var json = false

        func validate() throws {
            if self.reports.isEmpty { throw ValidationError("Give at least one report file or folder.") }
            try CoverageInputOptions.validate(preset: self.preset, timezone: self.timezone)
            guard let url = URL(string: self.server), url.scheme == "http" || url.scheme == "https", url.host != nil
            else {
                throw ValidationError("--server must be an http:// or https:// URL, not '\(self.server)'.")
            }
            guard url.user == nil && url.password == nil else {
                throw ValidationError("--server must not contain a user or password; put the token in --token-file.")
            }
            if !(1...86_400).contains(self.timeout) { throw ValidationError("--timeout must be 1 to 86400 seconds.") }
        }

        /// The upload's URL: the server's base with the route and the options as query parameters.
        func endpoint() -> String {
            var query = ["preset=" + Self.encoded(self.preset)]
            if let timezone = self.timezone { query.append("timezone=" + Self.encoded(timezone)) }
            if self.strict { query.append("strict=true") }
            var base = self.server
            while base.hasSuffix("/") { base.removeLast() }
            return base + "/api/v1/reports?" + query.joined(separator: "&")
        }

        /// A query value with everything but unreserved characters percent-encoded (`+07:00` → `%2B07%3A00`).
        static func encoded(_ value: String) -> String {
            var unreserved = CharacterSet.alphanumerics
            unreserved.insert(charactersIn: "-._~/")
            return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
        }

        func run() async throws {
            let token: String
            do {
                token = try String(contentsOfFile: self.tokenFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                CoveragePipeline.fail(
                    "cannot read the token file \(self.tokenFile): \(error.localizedDescription)", code: 2)
            }
            if token.isEmpty { CoveragePipeline.fail("the token file \(self.tokenFile) is empty", code: 2) }
            let body: MultipartUploadBody
            do {
                body = try MultipartUploadBody(paths: try ReportFiles.expand(self.reports))
            } catch {
                CoveragePipeline.fail("\(error)", code: 1)
            }
            var request = HTTPClientRequest(url: self.endpoint())
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: body.contentType)
            request.headers.add(name: "User-Agent", value: "netmon-coverage-upload")
            request.body = .stream(body, length: .known(body.length))
            if let caFile = self.caFile {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(caFile)
                request.tlsConfiguration = tls
            }
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
            let status: Int
            var reply: [UInt8] = []
            do {
                let response = try await client.execute(request, deadline: .now() + .seconds(Int64(self.timeout)))
                status = Int(response.status.code)
                for try await buffer in response.body where reply.count < 16 << 20 {
                    reply += buffer.readableBytesView
                }
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                CoveragePipeline.fail("cannot upload to \(self.server): \(error)", code: 1)
            }
            if self.json { FileHandle.standardOutput.write(Data(reply + [10])) }
            let text = String(decoding: reply, as: UTF8.self)
            guard let document = try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] else {
                CoveragePipeline.fail("the server answered (\(status)): \(text.prefix(2000))", code: 1)
            }
            // A refused upload carries its report under "report" beside the error.
            let report = (document["report"] as? [String: Any]) ?? document
            if !self.json && report["rows_read"] != nil { Self.printReport(report) }
            guard status == 201 else {
                let message = ((document["error"] as? [String: Any])?["message"] as? String) ?? text
                CoveragePipeline.fail("the server refused the upload (\(status)): \(message)", code: 1)
            }
        }

        /// The reply in the words of `netmon coverage report`'s summary.
        static func printReport(_ r: [String: Any]) {
            func counts(_ r: [String: Any]) -> String {
                let byTechnology = (r["accepted_by_technology"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                return
                    "read \(r["rows_read"] as? Int ?? 0) rows: \(r["accepted"] as? Int ?? 0) accepted (\(byTechnology)), \(r["rejected"] as? Int ?? 0) rejected"
            }
            if let id = r["upload_id"] as? String { print("upload \(id) stored") }
            let files = r["files"] as? [[String: Any]] ?? []
            for file in files { print("  \(file["name"] as? String ?? "?"): \(counts(file))") }
            if let zone = r["timezone"] as? String { print("times without a UTC offset read as \(zone)") }
            print(counts(r))
            for rejection in r["rejections"] as? [[String: Any]] ?? [] {
                let place = [rejection["file"] as? String, (rejection["row"] as? Int).map { "\($0)" }]
                    .compactMap { $0 }.joined(separator: ":")
                print("rejected \(place): \(rejection["reason"] as? String ?? "")")
            }
            if r["rejections_truncated"] as? Bool == true { print("… more rejected rows than listed") }
            if let recomputation = r["coverage_recomputation"] as? String {
                print("coverage recomputation: \(recomputation)")
            }
        }
    }
}
