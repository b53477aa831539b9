import CoverageModel
import Foundation
import NIOCore

/// A `multipart/form-data` body (RFC 7578) of whole files, one `file` part each, read chunk by chunk while it is sent:
/// the command never holds more than one chunk of a file.
struct MultipartUploadBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// One file and the headers of its part.
    struct Part: Sendable {
        var path: String
        var head: [UInt8]
        var bytes: Int64
    }

    let boundary: String
    let parts: [Part]
    let tail: [UInt8]

    /// Bytes read from a file per chunk.
    static let chunkBytes = 256 << 10

    /// The body for `paths`; throws when a file cannot be inspected.
    init(paths: [String]) throws {
        let boundary = "netmon-" + UUID().uuidString
        self.boundary = boundary
        self.parts = try paths.map { path in
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let name = Self.quoted((path as NSString).lastPathComponent)
            let head =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
                + "Content-Type: \(Self.contentType(path))\r\n\r\n"
            return Part(path: path, head: Array(head.utf8), bytes: size)
        }
        self.tail = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The request's Content-Type.
    var contentType: String { "multipart/form-data; boundary=\(self.boundary)" }

    /// The exact length of the body (the files' sizes when the body was made).
    var length: Int64 {
        self.parts.enumerated().reduce(Int64(self.tail.count)) { sum, item in
            sum + Int64(item.element.head.count) + item.element.bytes + (item.offset > 0 ? 2 : 0)
        }
    }

    /// A file name as a quoted-string: quotes, backslashes and line breaks cannot end the header early.
    static func quoted(_ name: String) -> String {
        String(name.map { $0 == "\"" || $0 == "\\" || $0 == "\r" || $0 == "\n" ? "_" : $0 })
    }

    static func contentType(_ path: String) -> String {
        switch ReportFormat(path: path) {
        case .jsonLines: "application/x-ndjson"
        case .geoJSON: "application/geo+json"
        case .csv: "text/csv"
        }
    }

    func makeAsyncIterator() -> Iterator { Iterator(body: self) }

    /// Yields each part's head, the file in chunks, the separator before the next part, and the closing delimiter.
    struct Iterator: AsyncIteratorProtocol {
        let body: MultipartUploadBody
        var part = 0
        var handle: FileHandle?
        var sent: Int64 = 0
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            if self.finished { return nil }
            guard self.part < self.body.parts.count else {
                self.finished = true
                return ByteBuffer(bytes: self.body.tail)
            }
            let part = self.body.parts[self.part]
            guard let handle = self.handle else {
                self.handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: part.path))
                self.sent = 0
                return ByteBuffer(bytes: (self.part > 0 ? Array("\r\n".utf8) : []) + part.head)
            }
            let wanted = Int(Swift.min(Int64(MultipartUploadBody.chunkBytes), part.bytes - self.sent))
            let chunk = wanted > 0 ? try await Self.read(handle, wanted) : Data()
            if chunk.isEmpty || self.sent + Int64(chunk.count) >= part.bytes {
                try? handle.close()
                self.handle = nil
                self.part += 1
            }
            guard !chunk.isEmpty || wanted == 0 else {
                throw ReportFiles.Problem(description: "\(part.path) became shorter while it was being sent")
            }
            self.sent += Int64(chunk.count)
            if chunk.isEmpty { return ByteBuffer() }
            return ByteBuffer(bytes: chunk)
        }

        /// Reads on a dispatch queue: file reads block, and the cooperative pool must not.
        static func read(_ handle: FileHandle, _ count: Int) async throws -> Data {
            let box = UncheckedHandle(handle: handle)
            return try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try box.handle.read(upToCount: count) ?? Data() })
                }
            }
        }
    }

    /// A file handle handed to one read at a time (each awaited before the next).
    struct UncheckedHandle: @unchecked Sendable { let handle: FileHandle }
}
