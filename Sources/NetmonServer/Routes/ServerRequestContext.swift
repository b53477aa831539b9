import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the client's address, which keys the rate
/// limit of requests made without a token.
struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer of the connection (nil when there is none, as in router tests).
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text ("unknown" without a socket peer); the port is left out, so that one host
    /// shares one bucket over all its connections.
    var clientAddress: String {
        guard let address = remoteAddress else { return "unknown" }
        return address.ipAddress ?? "unknown"
    }
}
