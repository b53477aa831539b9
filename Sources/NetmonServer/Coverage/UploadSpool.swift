import Foundation
import Hummingbird
import NIOCore

/// A request body written to a temporary file as it arrives, so an upload of any size holds one network chunk in
/// memory; the limit is checked on the way (413 as soon as it is passed). The file is removed by ``remove()``.
///
/// Spool files are private: mode 0600, in a folder `netmon-uploads-UID` (mode 0700, owned by the server's user)
/// under the configured upload directory, so other local users can neither read an upload nor plant a file or link
/// in its place.
struct UploadSpool: Sendable {
    let path: String
    let bytes: Int64

    /// The private spool folder under `parent`, created (0700) if missing; refused when it exists but is not a
    /// real folder of this user's, or when others may enter it.
    static func privateDirectory(under parent: String) throws -> String {
        let path = (parent as NSString).appendingPathComponent("netmon-uploads-\(geteuid())")
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw SpoolError(
                message: "cannot create the upload spool folder \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw SpoolError(
                message: "cannot inspect the upload spool folder \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid() else {
            throw SpoolError(message: "the upload spool folder \(path) is not a folder owned by this user; remove it")
        }
        if info.st_mode & 0o077 != 0, chmod(path, 0o700) != 0 {
            throw SpoolError(message: "cannot make the upload spool folder \(path) private (0700)")
        }
        return path
    }

    /// Removes spool files an earlier run left behind (it stopped during an upload); returns how many. Only files
    /// untouched for `minimumAge` seconds go: another server sharing the folder may be receiving into the others.
    @discardableResult
    static func removeLeftovers(under parent: String, minimumAge: Double = 3600) throws -> Int {
        let directory = try privateDirectory(under: parent)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let cutoff = Date().timeIntervalSince1970 - minimumAge
        var removed = 0
        for name in names where name.hasPrefix("netmon-upload-") {
            let path = (directory as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0, Double(info.st_mtim.tv_sec) < cutoff else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// Streams `request`'s body into a new private file under `directory`'s spool folder.
    static func receive(_ request: Request, limit: Int, directory: String) async throws -> UploadSpool {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(
                .contentTooLarge, message: "upload of \(length) bytes exceeds the report upload limit of \(limit) bytes"
            )
        }
        let folder = try privateDirectory(under: directory)
        let path = (folder as NSString).appendingPathComponent("netmon-upload-\(UUID().uuidString)")
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SpoolError(message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let spool = UploadSpool(path: path, bytes: 0)
        do {
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
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
