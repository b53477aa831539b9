import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The demo's local webhook receiver: a minimal HTTP/1.1 server on 127.0.0.1 that accepts POSTs, answers 200,
/// appends each body as one line to a JSON Lines file and prints a one-line summary. Blocking accept/read run on a
/// thread of its own.
final class DemoWebhookReceiver: Sendable {
    /// The port it listens on (chosen by the kernel).
    let port: UInt16
    /// Where received bodies go, one per line.
    let logPath: String
    private let descriptor: Int32
    private let received = Atomic<Int>(0)

    /// Number of notifications received so far.
    var count: Int { self.received.load(ordering: .relaxed) }

    /// The URL to put in a webhook receiver.
    var url: String { "http://127.0.0.1:\(self.port)/hook" }

    init(logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DemoError("webhook receiver: socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw DemoError("webhook receiver: bind 127.0.0.1: \(message)")
        }
        self.descriptor = fd
        self.port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.name = "netmon-demo-webhook"
        thread.start()
    }

    /// Stops accepting.
    func stop() { shutdown(self.descriptor, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let client = accept(self.descriptor, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if let body = Self.readRequest(client) {
                let line = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                if let handle = FileHandle(forWritingAtPath: self.logPath) {
                    handle.seekToEndOfFile()
                    handle.write(Data((line + "\n").utf8))
                    try? handle.close()
                }
                self.received.add(1, ordering: .relaxed)
                demoSay("webhook: received \(body.count) bytes: \(line.prefix(160))")
                let response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = response.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            }
            Glibc.close(client)
        }
    }

    /// Reads one request; returns its body (empty for requests without one), nil on a broken request.
    private static func readRequest(_ client: Int32) -> [UInt8]? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var headerEnd: Int?
        var contentLength = 0
        while data.count < 8 << 20 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
            if headerEnd == nil, let range = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = range + 4
                let header = String(decoding: data[0..<range], as: UTF8.self).lowercased()
                for line in header.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let end = headerEnd, data.count >= end + contentLength { return Array(data[end..<(end + contentLength)]) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// A demo step that failed, in one sentence.
struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
