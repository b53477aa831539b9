import CoverageModel
import Foundation
import HTTPTypes
import Hummingbird
import MeasurementStore
import NIOCore

/// Signal report uploads (`POST /api/v1/reports`, admin), their listing (`GET /api/v1/reports`, viewer) and removal
/// (`DELETE /api/v1/reports/ID`, admin; coverage is recomputed without them).
///
/// An upload is CSV (canonical header or a named preset), JSON Lines or GeoJSON points, chosen by `format=` (or the
/// Content-Type). The body is spooled to a temporary file (bounded by `maxReportUploadBytes`), read with the coverage
/// model's streaming readers on a worker thread, and written to the store in batches; the upload counts for coverage
/// only when it is committed, so a failed upload leaves nothing. Bad rows are rejected and listed (row number and
/// reason) while the rest is kept, unless `strict=true`, where the first bad row rejects the whole upload (422).
/// An upload with no acceptable row is rejected (422). The reply is the rejection report.
///
/// Several files go in one upload as `multipart/form-data` (one part per file, see ``MultipartSpool``): they are
/// stored under one upload id, counted per file in the reply (`files`), and each rejected row names its file.
/// `timezone=` (an IANA name, UTC or `+07:00`) reads times written without an offset in that zone instead of the
/// preset's.
struct ReportRoutes {
    let state: ServerState

    /// Rejections listed in a reply (all are counted).
    static let maxListedRejections = 200
    /// Reports written to the store per batch.
    static let batchSize = 5000

    struct Rejection: Codable, Sendable {
        /// The part's file name, in a multipart upload.
        var file: String?
        var row: Int
        var reason: String
    }

    /// One file of a multipart upload.
    struct FileReply: Codable, Sendable {
        var name: String
        var format: String
        var bytes: Int64
        var rowsRead: Int
        var accepted: Int
        var acceptedByTechnology: [String: Int]
        var rejected: Int
        enum CodingKeys: String, CodingKey {
            case name, format, bytes, accepted, rejected
            case rowsRead = "rows_read"
            case acceptedByTechnology = "accepted_by_technology"
        }
    }

    struct Reply: Codable, Sendable {
        var uploadID: String?
        var format: String
        var preset: String
        var bytes: Int64
        var rowsRead: Int
        var accepted: Int
        var acceptedByTechnology: [String: Int]
        var rejected: Int
        var rejections: [Rejection]
        var rejectionsTruncated: Bool
        var droppedOutOfRange: [String: Int]
        var sentinelValues: [String: Int]
        var coverageRecomputation: String
        /// How times without an offset were read (CSV with a zone only).
        var timezone: String?
        /// Per file, in a multipart upload.
        var files: [FileReply]?
        enum CodingKeys: String, CodingKey {
            case format, preset, bytes, accepted, rejected, rejections, timezone, files
            case uploadID = "upload_id"
            case rowsRead = "rows_read"
            case acceptedByTechnology = "accepted_by_technology"
            case rejectionsTruncated = "rejections_truncated"
            case droppedOutOfRange = "dropped_out_of_range"
            case sentinelValues = "sentinel_values"
            case coverageRecomputation = "coverage_recomputation"
        }
    }

    struct RejectedReply: Codable, Sendable {
        struct E: Codable, Sendable { var message: String }
        var error: E
        var report: Reply
    }

    func register(on router: Router<ServerRequestContext>) {
        router.post("/api/v1/reports") { request, _ in
            let principal = try state.tokens.authorize(request, needing: .admin)
            try RequestGuards.rateLimit(state, principal)
            do {
                let response = try await upload(request, by: principal)
                if response.status.kind != .successful { state.metrics.recordUpload(accepted: false) }
                return response
            } catch let e as HTTPError {
                state.metrics.recordUpload(accepted: false)
                throw e
            }
        }
        router.delete("/api/v1/reports/:id") { request, context in
            let principal = try state.tokens.authorize(request, needing: .admin)
            try RequestGuards.rateLimit(state, principal)
            let id = try context.parameters.require("id")
            guard try await state.store.reportUploads().contains(where: { $0.id == id }) else {
                throw HTTPError(.notFound, message: "no stored upload with id '\(id)'")
            }
            try await state.store.abortReportUpload(id: id)
            state.coverage?.requestRecomputation()
            state.logger.info("signal report upload deleted", metadata: ["upload": "\(id)", "by": "\(principal.name)"])
            return Response(status: .noContent)
        }
        router.get("/api/v1/reports") { request, _ in
            let principal = try state.tokens.authorize(request, needing: .viewer)
            try RequestGuards.rateLimit(state, principal)
            return try Responses.json(try await listing())
        }
    }

    /// `format=`, if given.
    private func queryFormat(_ request: Request) throws -> ReportFormat? {
        guard let raw = try request.queryText("format") else { return nil }
        guard let f = ReportFormat(rawValue: raw.lowercased()) else {
            throw HTTPError(.badRequest, message: "format must be csv, jsonl or geojson, not '\(raw)'")
        }
        return f
    }

    /// The format a Content-Type names, if it names one.
    static func format(contentType: String) -> ReportFormat? {
        let type = contentType.lowercased()
        if type.hasPrefix("text/csv") { return .csv }
        if type.hasPrefix("application/x-ndjson") || type.hasPrefix("application/jsonl")
            || type.hasPrefix("application/json-seq")
        {
            return .jsonLines
        }
        if type.hasPrefix("application/geo+json") || type.hasPrefix("application/json") { return .geoJSON }
        return nil
    }

    private func format(_ request: Request) throws -> ReportFormat {
        if let f = try queryFormat(request) { return f }
        if let f = Self.format(contentType: request.headers[.contentType] ?? "") { return f }
        throw HTTPError(
            .badRequest,
            message:
                "say what the upload is: format=csv|jsonl|geojson, or Content-Type text/csv, application/x-ndjson or application/geo+json (application/json is read as GeoJSON)"
        )
    }

    /// One file of an upload: a whole body, or one part of a multipart body (named then).
    private struct Input {
        var name: String?
        var format: ReportFormat
        var source: any ByteSource
        var bytes: Int64
    }

    private func upload(_ request: Request, by principal: Principal) async throws -> Response {
        let boundary = try MultipartSpool.boundary(contentType: request.headers[.contentType] ?? "")
        let queryFormat = try queryFormat(request)
        let singleFormat = boundary == nil ? try format(request) : nil
        let presetName = try request.queryText("preset") ?? "canonical"
        guard var mapping = ColumnMapping.presets[presetName] else {
            throw HTTPError(
                .badRequest,
                message:
                    "preset: no preset named '\(presetName)'; known: \(ColumnMapping.presets.keys.sorted().joined(separator: ", "))"
            )
        }
        if let zone = try request.queryText("timezone") {
            do throws(ReportReadError) {
                mapping.timeZone = try TimeZoneRule(parsing: zone)
            } catch {
                throw HTTPError(.badRequest, message: "timezone: \(error.message)")
            }
        }
        if let singleFormat, singleFormat != .csv && presetName != "canonical" {
            throw HTTPError(
                .badRequest,
                message: "preset: presets apply to CSV only; \(singleFormat.rawValue) uses the canonical names")
        }
        let strict = try request.queryFlag("strict") ?? false
        let spool = try await UploadSpool.receive(
            request, limit: state.configuration.maxReportUploadBytes, directory: state.configuration.uploadDirectory)
        defer { spool.remove() }

        var inputs: [Input] = []
        if let boundary {
            let multipart = try await WorkerThread.run("netmon-multipart") {
                try MultipartSpool(spool, boundary: boundary)
            }
            for part in multipart.parts {
                let format =
                    queryFormat ?? part.contentType.flatMap { Self.format(contentType: $0) }
                    ?? ReportFormat(path: part.name)
                if format != .csv && presetName != "canonical" {
                    throw HTTPError(
                        .badRequest,
                        message:
                            "preset: presets apply to CSV only; part '\(part.name)' is \(format.rawValue), which uses the canonical names"
                    )
                }
                inputs.append(
                    Input(name: part.name, format: format, source: multipart.source(part), bytes: Int64(part.count)))
            }
        } else if let singleFormat {
            do {
                inputs = [
                    Input(
                        name: nil, format: singleFormat, source: try FileByteSource(path: spool.path),
                        bytes: spool.bytes)
                ]
            } catch let e as ReportReadError {
                throw Self.httpError(e)
            }
        }
        // The store keeps one format per upload: the parts of one upload share it.
        let uploadFormat = inputs.first?.format.rawValue ?? "csv"
        if let other = inputs.first(where: { $0.format.rawValue != uploadFormat }) {
            throw HTTPError(
                .badRequest,
                message:
                    "the files of one upload share one format: '\(inputs[0].name ?? "")' is \(uploadFormat), '\(other.name ?? "")' is \(other.format.rawValue); upload them apart"
            )
        }

        let now = state.configuration.now()
        var upload = ReportUpload(
            id: ReportUpload.makeID(at: now), uploadedAt: now, uploadedBy: principal.name, format: uploadFormat,
            preset: presetName)
        try await state.store.beginReportUpload(upload)
        var committed = false
        defer {
            if !committed {
                let store = state.store
                let id = upload.id
                Task { try? await store.abortReportUpload(id: id) }
            }
        }
        var ordinal: Int64 = 0
        var summary = ImportSummary()
        var files: [FileReply] = []
        for input in inputs {
            let reader = ReaderBox(
                makeReportReader(source: input.source, format: input.format, mapping: mapping, strict: strict))
            do {
                while true {
                    let batch = try await WorkerThread.run("netmon-upload") { try reader.nextBatch(Self.batchSize) }
                    if batch.isEmpty { break }
                    try await state.store.appendSignalReports(batch, uploadID: upload.id, firstOrdinal: ordinal)
                    ordinal += Int64(batch.count)
                }
            } catch let e as ReportReadError {
                try? await state.store.abortReportUpload(id: upload.id)
                committed = true  // nothing left to abort
                throw Self.httpError(e, file: input.name)
            }
            let part = reader.summary
            summary.merge(part)
            if let name = input.name {
                files.append(
                    FileReply(
                        name: name, format: input.format.rawValue, bytes: input.bytes, rowsRead: part.rowsRead,
                        accepted: part.acceptedCount,
                        acceptedByTechnology: Dictionary(
                            uniqueKeysWithValues: part.accepted.map { ($0.key.rawValue, $0.value) }),
                        rejected: part.rejectedCount))
            }
        }
        var reply = Self.reply(
            summary, format: uploadFormat, preset: presetName, bytes: spool.bytes, named: boundary != nil)
        if boundary != nil { reply.files = files }
        if inputs.contains(where: { $0.format == .csv }) && mapping.timeZone != .requireOffset {
            reply.timezone = mapping.timeZone.description
        }
        guard summary.acceptedCount > 0 else {
            try? await state.store.abortReportUpload(id: upload.id)
            committed = true
            if summary.rowsRead == 0 {
                let what =
                    singleFormat == .geoJSON
                    ? "a GeoJSON FeatureCollection with Point features" : "a report on each line"
                return try Responses.json(
                    RejectedReply(
                        error: .init(message: "the upload holds no report rows; expected \(what)"), report: reply),
                    status: .badRequest)
            }
            let first =
                summary.rejections.first.map { r in
                    (boundary != nil ? "\(r.file): " : "") + "row \(r.row): \(r.reason)"
                } ?? "-"
            return try Responses.json(
                RejectedReply(
                    error: .init(
                        message:
                            "no row of the upload was accepted (\(summary.rejectedCount) rejected; first: \(first))"),
                    report: reply),
                status: .unprocessableContent)
        }
        upload.rowsRead = summary.rowsRead
        upload.rowsAccepted = summary.acceptedCount
        upload.rowsRejected = summary.rejectedCount
        try await state.store.commitReportUpload(upload)
        committed = true
        state.metrics.recordUpload(
            accepted: true, rowsAccepted: summary.acceptedCount, rowsRejected: summary.rejectedCount)
        reply.uploadID = upload.id
        if let coverage = state.coverage {
            coverage.requestRecomputation()
            reply.coverageRecomputation = "requested"
        } else {
            reply.coverageRecomputation = "disabled (no commune boundaries configured)"
        }
        state.logger.info(
            "signal reports uploaded",
            metadata: [
                "upload": "\(upload.id)", "by": "\(principal.name)", "files": "\(inputs.count)",
                "accepted": "\(summary.acceptedCount)", "rejected": "\(summary.rejectedCount)",
            ])
        return try Responses.json(reply, status: .created)
    }

    /// `file`: the part's name in a multipart upload (a single body's spool path is not named).
    static func httpError(_ e: ReportReadError, file: String? = nil) -> HTTPError {
        let place = (file.map { "\($0): " } ?? "") + (e.row.map { "row \($0): " } ?? "")
        switch e.code {
        case .badRow:
            return HTTPError(.unprocessableContent, message: "strict upload rejected at \(place)\(e.message)")
        case .recordTooLong:
            return HTTPError(.contentTooLarge, message: "\(place)\(e.message)")
        case .io:
            // The spooled copy could not be read back: the server's problem, not the upload's.
            return HTTPError(.internalServerError, message: "cannot read the received upload back: \(e.message)")
        default:
            return HTTPError(.badRequest, message: "\(place)\(e.message)")
        }
    }

    /// `named`: rejections name their file (a multipart upload).
    static func reply(_ s: ImportSummary, format: String, preset: String, bytes: Int64, named: Bool) -> Reply {
        Reply(
            uploadID: nil, format: format, preset: preset, bytes: bytes, rowsRead: s.rowsRead,
            accepted: s.acceptedCount,
            acceptedByTechnology: Dictionary(uniqueKeysWithValues: s.accepted.map { ($0.key.rawValue, $0.value) }),
            rejected: s.rejectedCount,
            rejections: s.rejections.prefix(maxListedRejections).map {
                Rejection(file: named ? $0.file : nil, row: $0.row, reason: $0.reason)
            },
            rejectionsTruncated: s.rejectedCount > min(s.rejections.count, maxListedRejections),
            droppedOutOfRange: Dictionary(
                uniqueKeysWithValues: s.droppedOutOfRange.map { ($0.key.rawValue, $0.value) }),
            sentinelValues: Dictionary(uniqueKeysWithValues: s.sentinelValues.map { ($0.key.rawValue, $0.value) }),
            coverageRecomputation: "not requested")
    }

    struct UploadReply: Codable, Sendable {
        var id: String
        var uploadedAt: Date
        var uploadedBy: String
        var format: String
        var preset: String
        var rowsRead: Int
        var rowsAccepted: Int
        var rowsRejected: Int
        /// `upload` (a posted file) or `gateway:<commune code>` (a gateway modem's reports).
        var source: String
        enum CodingKeys: String, CodingKey {
            case id, format, preset, source
            case uploadedAt = "uploaded_at"
            case uploadedBy = "uploaded_by"
            case rowsRead = "rows_read"
            case rowsAccepted = "rows_accepted"
            case rowsRejected = "rows_rejected"
        }
    }

    struct CoverageStatusReply: Codable, Sendable {
        var enabled: Bool
        var generation: Int
        var computedAt: Date?
        var reports: Int
        var seconds: Double?
        var error: String?
        var pending: Bool
        /// Of `reports`, those from gateway modems.
        var gatewayReports: Int
        enum CodingKeys: String, CodingKey {
            case enabled, generation, reports, seconds, error, pending
            case computedAt = "computed_at"
            case gatewayReports = "gateway_reports"
        }
    }

    struct ListingReply: Codable, Sendable {
        var uploads: [UploadReply]
        var reports: Int
        /// Of `reports`, those from gateway modems (the rest came in uploads).
        var gatewayReports: Int
        var coverage: CoverageStatusReply
        enum CodingKeys: String, CodingKey {
            case uploads, reports, coverage
            case gatewayReports = "gateway_reports"
        }
    }

    func listing() async throws -> ListingReply {
        let uploads = try await state.store.reportUploads()
        let count = try await state.store.signalReportCount()
        let gatewayCount = try await state.store.gatewaySignalReportCount()
        let s = state.coverage?.status
        return ListingReply(
            uploads: uploads.map {
                UploadReply(
                    id: $0.id, uploadedAt: $0.uploadedAt, uploadedBy: $0.uploadedBy, format: $0.format,
                    preset: $0.preset, rowsRead: $0.rowsRead, rowsAccepted: $0.rowsAccepted,
                    rowsRejected: $0.rowsRejected, source: $0.source)
            },
            reports: count, gatewayReports: gatewayCount,
            coverage: CoverageStatusReply(
                enabled: state.coverage != nil, generation: s?.generation ?? 0, computedAt: s?.lastComputedAt,
                reports: s?.lastReports ?? 0, seconds: s?.lastDurationSeconds, error: s?.lastError,
                pending: s.map { $0.requested > $0.handledRequests } ?? false,
                gatewayReports: s?.lastGatewayReports ?? 0))
    }
}

/// A report reader used by one upload, handed to one worker thread at a time (each is awaited before the next
/// starts), so it is never touched concurrently.
final class ReaderBox: @unchecked Sendable {
    private let reader: any SignalReportReader

    init(_ reader: any SignalReportReader) { self.reader = reader }

    var summary: ImportSummary { reader.summary }

    /// Up to `n` accepted reports; empty at the end.
    func nextBatch(_ n: Int) throws -> [SignalReport] {
        var out: [SignalReport] = []
        out.reserveCapacity(n)
        while out.count < n, let r = try reader.next() { out.append(r) }
        return out
    }
}
