import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The process's HTTP client for delivery (webhooks, Alertmanager): one AsyncHTTPClient that never follows
/// redirects (a 3xx is returned as it is, so a receiver cannot send alerts elsewhere), with a hard deadline on each
/// whole exchange, TLS with the system's trust roots or a receiver's CA file, and response bodies kept up to
/// ``maxBodyBytes``.
///
/// A `Service` owning the client: run it in the same `ServiceGroup` before the services that deliver, so that it
/// shuts the client down after them on graceful shutdown; owners that do not run it call ``shutdown()``.
public final class DeliveryHTTPClient: Service, Sendable {
    /// Response bytes kept for error messages; the rest of a longer body is read and dropped.
    public static let maxBodyBytes = 1 << 20

    let client: HTTPClient
    private let isShutDown = Mutex(false)

    public init() {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.decompression = .disabled
        // A refused connection fails the attempt at once, as a transient error: the outbox's RetryPolicy (backoff,
        // Retry-After, dead letter) retries, instead of the pool retrying until the attempt's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Waits for graceful shutdown (or cancellation), then shuts the client down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.shutdown()
    }

    /// Shuts the client down once; later calls do nothing.
    public func shutdown() async throws {
        let first = self.isShutDown.withLock { done in
            let first = !done
            done = true
            return first
        }
        if first { try await self.client.shutdown() }
    }

    /// Sends one request and returns the response, whatever its status.
    ///
    /// - Parameter caFile: a PEM file of roots to trust for an `https` endpoint instead of the system's.
    /// - Throws: a transient ``DeliveryError``: `timedOut` when no complete response came within `timeout`
    ///   seconds, `connectionFailed` for connection and TLS failures.
    public func execute(
        method: HTTPMethod = .POST, endpoint: HTTPEndpoint, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Double = 10, caFile: String? = nil
    ) async throws(DeliveryError) -> HTTPResponse {
        var request = HTTPClientRequest(url: endpoint.description)
        request.method = method
        request.headers.add(name: "User-Agent", value: "netmon-alerting")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty || method == .POST || method == .PUT { request.body = .bytes(ByteBuffer(bytes: body)) }
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            request.tlsConfiguration = tls
        }
        let nanoseconds = timeout.isFinite ? Int64(min(max(timeout, 0), 86_400) * 1e9) : 86_400 * 1_000_000_000
        do {
            let response = try await self.client.execute(request, deadline: .now() + .nanoseconds(nanoseconds))
            var kept: [UInt8] = []
            for try await buffer in response.body where kept.count < Self.maxBodyBytes {
                kept += buffer.readableBytesView.prefix(Self.maxBodyBytes - kept.count)
            }
            return HTTPResponse(
                status: Int(response.status.code),
                headerPairs: response.headers.map {
                    HTTPResponse.HeaderPair(name: $0.name.lowercased(), value: $0.value)
                },
                body: kept)
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout].contains(error)
        {
            throw DeliveryError(
                code: .timedOut, message: "no complete response within \(timeout) s", context: endpoint.description,
                isTransient: true)
        } catch {
            throw DeliveryError(
                code: .connectionFailed, message: "\(error)", context: endpoint.description, isTransient: true)
        }
    }
}
