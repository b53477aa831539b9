import Foundation
import Hummingbird
import NIOCore

/// A request body written to a temporary file as it arrives, so an upload of any size holds one network chunk in
/// memory; the limit is checked on the way (413 as soon as it is passed). The file is removed by ``remove()``.
struct UploadSpool: Sendable {
    let path: String
    let bytes: Int64

    /// Streams `request`'s body into a new file under `directory`.
    static func receive(_ request: Request, limit: Int, directory: String) async throws -> UploadSpool {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(
                .contentTooLarge, message: "upload of \(length) bytes exceeds the report upload limit of \(limit) bytes"
            )
        }
        let path = (directory as NSString).appendingPathComponent("netmon-upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SpoolError(message: "cannot create \(path)")
        }
        let spool = UploadSpool(path: path, bytes: 0)
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var total: Int64 = 0
            for try await chunk in request.body {
                total += Int64(chunk.readableBytes)
                if total > Int64(limit) {
                    throw HTTPError(
                        .contentTooLarge, message: "upload exceeds the report upload limit of \(limit) bytes")
                }
                try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
            }
            return UploadSpool(path: path, bytes: total)
        } catch {
            spool.remove()
            throw error
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The upload could not be written to the spool folder (a server-side problem).
struct SpoolError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
