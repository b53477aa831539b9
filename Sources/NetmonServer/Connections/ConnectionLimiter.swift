import NIOCore
import NetmonMetrics
import Prometheus
import Synchronization

/// How long a connection may sit idle and how many may be open at once.
public struct ConnectionLimits: Sendable, Hashable {
    /// A connection that has not delivered a whole request head (or body part), or that waits between requests,
    /// for this long is closed. This also bounds a client that sends its headers a byte at a time (slowloris):
    /// the timer only restarts on a complete HTTP part.
    public var idleTimeout: Duration
    /// Connections open at once; one more is closed as soon as it is accepted.
    public var maxConnections: Int

    public init(idleTimeout: Duration = .seconds(30), maxConnections: Int = 512) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// Counts the server's open connections and turns away those above ``ConnectionLimits/maxConnections``.
final class ConnectionLimiter: Sendable {
    let maxConnections: Int
    private let open = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// Connections open now (including one being turned away).
    var openConnections: Int { open.load(ordering: .relaxed) }
    /// Connections closed at accept because the server was full.
    var rejectedConnections: Int { rejected.load(ordering: .relaxed) }

    /// A handler for one new connection's pipeline.
    func handler() -> ConnectionLimitHandler { ConnectionLimitHandler(limiter: self) }

    /// Counts a new connection; false when it is one too many.
    fileprivate func admit() -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if now > maxConnections {
            rejected.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        return true
    }

    fileprivate func release() { open.wrappingSubtract(1, ordering: .relaxed) }

    /// Sets the connection series for a scrape of `/metrics`.
    func export(to metrics: PrometheusMetrics) {
        metrics.setGauge(
            .named("netmon_server_http_connections", help: "Open HTTP connections."), value: Double(openConnections))
        metrics.setGauge(
            .named(
                "netmon_server_http_connections_max",
                help: "The most HTTP connections open at once (--max-connections)."
            ), value: Double(maxConnections))
        metrics.setCounter(
            .named(
                "netmon_server_http_connections_rejected_total",
                help: "Connections closed at accept because the server was full."), total: rejectedConnections)
    }
}

/// Sits in each connection's pipeline for its lifetime: counts it in on being added, out on being removed, and
/// closes it at once when the server already has its maximum.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limiter: ConnectionLimiter
    private var counted = false

    fileprivate init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        if !limiter.admit() {
            // Closed on the next tick, once the pipeline is set up, so that set-up itself does not fail.
            let channel = context.channel
            context.eventLoop.execute { channel.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted {
            counted = false
            limiter.release()
        }
    }
}

@available(*, unavailable)
extension ConnectionLimitHandler: Sendable {}
