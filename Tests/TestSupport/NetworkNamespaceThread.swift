import CNetShims
import Foundation

/// Runs code inside a network namespace without moving the test process: a fresh thread enters the namespace
/// (`setns`), runs the body and exits. Sockets opened in the body stay in that namespace for their lifetime, so an
/// engine created there probes inside the namespace while its own threads live anywhere.
public enum NetworkNamespaceThread {
    /// Runs `body` on a new thread that has joined the namespace `/run/netns/<name>`.
    public static func run<T: Sendable>(in name: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            let fd = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
            guard fd >= 0, CNetShims_enterNetworkNamespace(fd) == 0 else {
                box.result = .failure(
                    ChildProcessError(
                        message: "cannot enter network namespace \(name): \(String(cString: strerror(errno)))"))
                if fd >= 0 { close(fd) }
                return
            }
            close(fd)
            box.result = Result { try body() }
        }
        thread.start()
        done.wait()
        return try box.result!.get()
    }
}

/// Hands a result from the namespace thread back; written once before the semaphore is signalled.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
