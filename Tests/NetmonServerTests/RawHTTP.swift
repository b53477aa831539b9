import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a loopback server that writes exactly the bytes it is given, so a test can send what
/// no HTTP library would (malformed paths, headers a byte at a time) and see what the server does, including
/// closing the connection.
final class RawConnection: Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address, to look like another client).
    init(port: Int, source: String? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError("socket: \(String(cString: strerror(errno)))") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, source, &local.sin_addr) == 1 else {
                close(fd)
                throw RawHTTPError("not an IPv4 address: \(source)")
            }
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard bound else {
                let message = String(cString: strerror(errno))
                close(fd)
                throw RawHTTPError("bind to \(source): \(message)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw RawHTTPError("connect to 127.0.0.1:\(port): \(message)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes all of `bytes`; false when the peer has closed (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Whether the server has closed the connection: waits up to `timeout` seconds for end of file (or a reset),
    /// discarding whatever data comes first.
    func isClosed(within timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(left, 60) * 1000))
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return false }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno != EINTR && errno != EAGAIN }
        }
    }

    /// Reads until the server closes or `timeout` seconds pass; everything read.
    func readAll(timeout: Double) -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return out }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(left, 60) * 1000))
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return out }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }
}

/// One HTTP exchange over a fresh connection (`Connection: close`): the status code, or nil when the server closed
/// without a status line, and the whole response text.
/// `halfClose` ends the client's output after the request (for requests that may leave the server waiting for more).
func rawExchange(
    port: Int, request: [UInt8], timeout: Double = 30, halfClose: Bool = false
) throws -> (status: Int?, text: String) {
    let connection = try RawConnection(port: port)
    connection.send(request)
    if halfClose { shutdown(connection.fd, Int32(SHUT_WR)) }
    let reply = String(decoding: connection.readAll(timeout: timeout), as: UTF8.self)
    return (statusCode(of: reply), reply)
}

/// The status of an HTTP/1.x response text.
func statusCode(of reply: String) -> Int? {
    guard reply.hasPrefix("HTTP/1."), let line = reply.split(separator: "\r\n", maxSplits: 1).first else { return nil }
    let parts = line.split(separator: " ")
    return parts.count >= 2 ? Int(parts[1]) : nil
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
