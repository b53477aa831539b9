import Foundation
import NetmonProtocol

/// Where and how the forwarder sends rounds.
public struct ForwarderConfiguration: Sendable {
    /// The server's base URL (`https://netmon.example:8443`); batches go to `<url>/api/v1/ingest/rounds`.
    public var serverURL: URL
    /// The probe's bearer token (read from a file; never logged).
    public var token: String
    /// A PEM file of CA certificates to trust instead of the system's (a provincial CA), if any.
    public var caFile: String?
    /// Rounds per POST.
    public var batchSize: Int
    /// Waits between failed attempts.
    public var backoff: Backoff
    /// Time allowed for one POST.
    public var requestTimeout: Duration
    /// How often to look at the outbox when nothing announces new rounds.
    public var pollInterval: Duration
    /// On graceful shutdown, how long to keep sending what is left.
    public var drainTimeout: Duration

    public init(
        serverURL: URL, token: String, caFile: String? = nil, batchSize: Int = 500, backoff: Backoff = Backoff(),
        requestTimeout: Duration = .seconds(15), pollInterval: Duration = .seconds(5),
        drainTimeout: Duration = .seconds(5)
    ) {
        self.serverURL = serverURL
        self.token = token
        self.caFile = caFile
        self.batchSize = batchSize
        self.backoff = backoff
        self.requestTimeout = requestTimeout
        self.pollInterval = pollInterval
        self.drainTimeout = drainTimeout
    }

    /// The ingest endpoint of rounds.
    public var ingestURL: URL { self.ingestURL(for: .rounds) }

    /// The ingest endpoint of `kind`: `/api/v1/ingest/rounds` or `/api/v1/ingest/signal`.
    public func ingestURL(for kind: OutboxKind) -> URL {
        serverURL.appendingPathComponent("api").appendingPathComponent("v1").appendingPathComponent("ingest")
            .appendingPathComponent(kind.endpoint)
    }
}
