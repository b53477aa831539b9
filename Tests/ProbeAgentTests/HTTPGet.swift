import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// GET a loopback URL; returns the body as text and the response.
func httpGet(_ url: String) async throws -> (String, HTTPURLResponse) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    return (String(decoding: data, as: UTF8.self), response as! HTTPURLResponse)
}

/// A port learnt from a server's start-up callback.
final class PortBox: Sendable {
    private let box = Mutex<Int?>(nil)
    func set(_ port: Int) { box.withLock { $0 = port } }
    var value: Int? { box.withLock { $0 } }
}
