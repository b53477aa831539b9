import Foundation
import Hummingbird
import Logging
import NIOCore
import NetmonMetrics

/// The daemon's HTTP endpoint: `GET /metrics` (Prometheus text 0.0.4) and `GET /healthz`.
///
/// A Hummingbird application, hence a swift-service-lifecycle `Service` that stops with the group.
public enum MetricsEndpoint {
    /// Builds the application listening on `host:port` (port 0 picks a free port, reported to `onBound`).
    ///
    /// - Parameters:
    ///   - staleAfter: `/healthz` answers 503 when no round has been recorded for this long (after the same
    ///     time since start-up), so a wedged scheduler shows.
    public static func makeApplication(
        registry: MetricsRegistry, host: String, port: Int, staleAfter: Duration,
        onBound: @escaping @Sendable (Int) async -> Void = { _ in }, logger: Logger
    ) -> some ApplicationProtocol {
        let started = Date()
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let text = registry.render()
            return Response(
                status: .ok, headers: [.contentType: PrometheusMetrics.contentType],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("healthz") { _, _ -> Response in
            let limit = Double(staleAfter.components.seconds) + Double(staleAfter.components.attoseconds) * 1e-18
            let now = Date()
            let reference = registry.lastRoundAt ?? started
            let healthy = now.timeIntervalSince(reference) <= limit
            let body =
                healthy
                ? "ok\n"
                : "stale: no round recorded for \(Int(now.timeIntervalSince(reference))) s\n"
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onBound(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
