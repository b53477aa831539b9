import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on a data-centre service address (portal, meeting, …) that accepts connections and closes them at
/// once, so a TCP connect probe from a commune finds the service up. The kernel completes the handshake; a thread of
/// its own only drains the accept queue.
public final class TCPServiceListener: @unchecked Sendable {  // descriptor owned; the thread only accepts on it
    private let descriptor: Int32
    /// What it listens on, `address:port`.
    public let endpoint: String

    /// Binds and listens on an IPv4 `address` and `port`, and starts the accepting thread.
    public init(address: String, port: UInt16) throws(LabError) {
        self.endpoint = "\(address):\(port)"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw LabError(
                .socketFailed, "socket: \(String(cString: strerror(errno)))", context: "listener \(self.endpoint)")
        }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &storage.sin_addr) == 1 else {
            close(fd)
            throw LabError(.invalidArgument, "not an IPv4 address", context: "listener \(self.endpoint)")
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 512) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw LabError(.socketFailed, "bind/listen: \(message)", context: "listener \(self.endpoint)")
        }
        self.descriptor = fd
        let thread = Thread { [fd] in
            while true {
                let client = accept(fd, nil, nil)
                if client >= 0 {
                    close(client)
                } else if errno != EINTR && errno != ECONNABORTED {
                    return
                }
            }
        }
        thread.name = "netmon-lab-tcp"
        thread.start()
    }

    /// Stops accepting (the accepting thread ends).
    public func stop() {
        shutdown(self.descriptor, Int32(SHUT_RDWR))
    }
}
