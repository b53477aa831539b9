import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One request the receiver accepted: its header fields (names lower-cased) and body.
public struct LabWebhookDelivery: Sendable, Hashable {
    public var headers: [String: String]
    public var body: [UInt8]
}

/// The demo's (and the end-to-end test's) local webhook receiver: a minimal HTTP/1.1 server on 127.0.0.1 that
/// accepts POSTs, answers 200, appends each body as one line to a JSON Lines file, keeps every delivery (headers
/// and body) in memory and reports it to a callback. Blocking accept/read run on a thread of its own.
public final class LabWebhookReceiver: Sendable {
    /// The port it listens on (chosen by the kernel).
    public let port: UInt16
    /// Where received bodies go, one per line.
    public let logPath: String
    private let descriptor: Int32
    private let received = Mutex<[LabWebhookDelivery]>([])
    private let onReceive: @Sendable (LabWebhookDelivery) -> Void

    /// Number of notifications received so far.
    public var count: Int { self.received.withLock { $0.count } }

    /// Every delivery so far, oldest first.
    public var deliveries: [LabWebhookDelivery] { self.received.withLock { $0 } }

    /// The URL to put in a webhook receiver.
    public var url: String { "http://127.0.0.1:\(self.port)/hook" }

    /// Listens on 127.0.0.1 on a port the kernel picks; `onReceive` runs on the receiver's thread.
    public init(logPath: String, onReceive: @escaping @Sendable (LabWebhookDelivery) -> Void = { _ in }) throws {
        self.logPath = logPath
        self.onReceive = onReceive
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw LabError(
                .socketFailed, "webhook receiver: socket: \(String(cString: strerror(errno)))", context: "127.0.0.1")
        }
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
            throw LabError(.socketFailed, "webhook receiver: bind: \(message)", context: "127.0.0.1")
        }
        self.descriptor = fd
        self.port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.name = "netmon-demo-webhook"
        thread.start()
    }

    /// Stops accepting.
    public func stop() { shutdown(self.descriptor, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let client = accept(self.descriptor, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if let (headers, body) = Self.readRequest(client) {
                let line = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                if let handle = FileHandle(forWritingAtPath: self.logPath) {
                    handle.seekToEndOfFile()
                    handle.write(Data((line + "\n").utf8))
                    try? handle.close()
                }
                let delivery = LabWebhookDelivery(headers: headers, body: body)
                self.received.withLock { $0.append(delivery) }
                self.onReceive(delivery)
                let response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = response.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            }
            Glibc.close(client)
        }
    }

    /// Reads one request; returns its header fields and body (empty for requests without one), nil on a broken
    /// request.
    private static func readRequest(_ client: Int32) -> ([String: String], [UInt8])? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var headerEnd: Int?
        var contentLength = 0
        var headers: [String: String] = [:]
        while data.count < 8 << 20 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
            if headerEnd == nil, let range = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = range + 4
                let header = String(decoding: data[0..<range], as: UTF8.self)
                for line in header.split(separator: "\r\n").dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                contentLength = Int(headers["content-length"] ?? "") ?? 0
            }
            if let end = headerEnd, data.count >= end + contentLength {
                return (headers, Array(data[end..<(end + contentLength)]))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
