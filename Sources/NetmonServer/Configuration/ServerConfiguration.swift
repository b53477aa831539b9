import CoverageModel
import Foundation
import LinkQuality
import MeasurementStore

/// Everything the server needs, as plain values (the CLI builds it from sites.yaml and flags; tests build it directly).
public struct ServerConfiguration: Sendable {
    /// Province name as shown (e.g. "Hưng Yên").
    public var provinceName: String
    /// The communes and their probe targets.
    public var communes: [ServerCommune]
    /// GeoJSON FeatureCollection of commune boundaries with a `ward_code` property (nil: no map geometry).
    public var boundariesPath: String?
    /// The communes of `boundariesPath` when the caller has read them already (sites.yaml's cross-check did), so
    /// the file is read once; nil: the server reads it.
    public var boundaryCommunes: [CommuneBoundary]?
    /// Folder of Debian's libjs-leaflet, served under `/static/leaflet/`.
    public var leafletDirectory: String
    /// Largest accepted request body in bytes (413 above).
    public var maxBodyBytes: Int
    /// Largest number of rounds in one ingest batch (413 above).
    public var maxRoundsPerBatch: Int
    /// Requests per second allowed per token (token bucket rate) and burst size.
    public var rateLimit: RateLimit
    /// Role given to requests without a token (nil: every API call but /healthz and /metrics needs a token).
    public var anonymousRole: TokenRole?
    /// A link is `silent` when its newest round ended more than this many steps ago.
    public var staleAfterSteps: Double
    /// The clock (injectable for tests).
    public var now: @Sendable () -> Date
    /// The coverage model's settings (sites.yaml `coverage:`): resolution, floors, min samples, and the province's
    /// targets that `/api/v1/summary` shows.
    public var coverageSettings: CoverageSettings
    /// Largest accepted signal report upload in bytes (413 above); uploads are spooled to disk, not memory.
    public var maxReportUploadBytes: Int
    /// Folder under which uploads are spooled, in a private (0700) `netmon-uploads-UID` folder, as 0600 files removed
    /// after each upload (and at start-up, if a run stopped during one).
    public var uploadDirectory: String
    /// How long coverage recomputation waits after an upload for more uploads before it runs.
    public var coverageDebounce: Duration
    /// How far ahead of the server's clock a round may end, in seconds (gateway clocks drift or jump); a round
    /// further ahead is rejected, so one wrong clock can never pin a link's state or an alert window.
    public var maxClockSkewSeconds: Double
    /// Idle timeout and the cap on open connections.
    public var connectionLimits: ConnectionLimits
    /// Serve `/metrics` without a token (by default it needs a viewer token, or the anonymous role).
    public var anonymousMetrics: Bool
    /// The call-quality score's assumptions, colour levels, target and window (sites.yaml `call_quality:`).
    public var callQuality: CallQualitySettings
    /// How long raw rounds and their hourly rollups are kept (the leader's hourly retention pass).
    public var roundRetention: RoundRetention

    public init(
        provinceName: String, communes: [ServerCommune], boundariesPath: String?,
        leafletDirectory: String = "/usr/share/javascript/leaflet", maxBodyBytes: Int = 4 << 20,
        maxRoundsPerBatch: Int = 5000, rateLimit: RateLimit = RateLimit(requestsPerSecond: 50, burst: 200),
        anonymousRole: TokenRole? = nil, staleAfterSteps: Double = 3, now: @escaping @Sendable () -> Date = { Date() },
        coverageSettings: CoverageSettings = CoverageSettings(), maxReportUploadBytes: Int = 256 << 20,
        uploadDirectory: String = NSTemporaryDirectory(), coverageDebounce: Duration = .seconds(2),
        maxClockSkewSeconds: Double = 300, connectionLimits: ConnectionLimits = ConnectionLimits(),
        anonymousMetrics: Bool = false, callQuality: CallQualitySettings = .standard,
        roundRetention: RoundRetention = .standard
    ) {
        self.provinceName = provinceName
        self.communes = communes
        self.boundariesPath = boundariesPath
        self.leafletDirectory = leafletDirectory
        self.maxBodyBytes = maxBodyBytes
        self.maxRoundsPerBatch = maxRoundsPerBatch
        self.rateLimit = rateLimit
        self.anonymousRole = anonymousRole
        self.staleAfterSteps = staleAfterSteps
        self.now = now
        self.coverageSettings = coverageSettings
        self.maxReportUploadBytes = maxReportUploadBytes
        self.uploadDirectory = uploadDirectory
        self.coverageDebounce = coverageDebounce
        self.maxClockSkewSeconds = maxClockSkewSeconds
        self.connectionLimits = connectionLimits
        self.anonymousMetrics = anonymousMetrics
        self.callQuality = callQuality
        self.roundRetention = roundRetention
    }
}

/// A commune as the server needs it.
public struct ServerCommune: Sendable, Hashable {
    /// GSO ward code (5 digits).
    public var code: String
    public var name: String
    /// The gateway's probe id.
    public var probeID: String
    public var gateway: String
    public var targets: [ServerTarget]
    /// Names of the remote sites the gateway's passive capture may report (`target: passive:<name>`) besides its
    /// targets: the hub, the data-centre services and `datacenter`.
    public var passiveSites: [String]
    /// Where the gateway stands (sites.yaml `location`), if given: the probes layer draws it there instead of at
    /// the commune's centroid.
    public var gatewayLocation: LatLng?

    public init(
        code: String, name: String, probeID: String, gateway: String, targets: [ServerTarget],
        passiveSites: [String] = [], gatewayLocation: LatLng? = nil
    ) {
        self.gatewayLocation = gatewayLocation
        self.code = code
        self.name = name
        self.probeID = probeID
        self.gateway = gateway
        self.targets = targets
        self.passiveSites = passiveSites
    }

    /// Whether a round for `target` of this kind may come from this commune's probe: an active round names one of
    /// its targets, a passive round `passive:` and one of its targets or passive sites.
    public func accepts(target: String, kind: String) -> Bool {
        if kind == "passive" {
            guard target.hasPrefix("passive:") else { return false }
            let site = target.dropFirst("passive:".count)
            return targets.contains { $0.name == site } || passiveSites.contains { $0 == site }
        }
        return targets.contains { $0.name == target }
    }
}

/// A probe target with its thresholds (milliseconds and ratios, as in sites.yaml).
public struct ServerTarget: Sendable, Hashable {
    public var name: String
    public var address: String
    public var latencyMs: Levels
    public var lossRatio: Levels
    /// How the probes measure it (`icmp`, `tcp`, `stamp`); nil when not known. Only `stamp` targets have
    /// per-direction series.
    public var kind: String?

    public init(name: String, address: String, latencyMs: Levels, lossRatio: Levels, kind: String? = nil) {
        self.name = name
        self.address = address
        self.latencyMs = latencyMs
        self.lossRatio = lossRatio
        self.kind = kind
    }

    /// Warn and critical levels (clear is for alert hysteresis, not for the dashboard).
    public struct Levels: Sendable, Hashable {
        public var warn: Double
        public var critical: Double
        public init(warn: Double, critical: Double) {
            self.warn = warn
            self.critical = critical
        }
    }
}

/// Token-bucket parameters.
public struct RateLimit: Sendable, Hashable {
    public var requestsPerSecond: Double
    public var burst: Double
    /// Most buckets (tokens and client addresses) kept at once; see ``RateLimiter``.
    public var maxBuckets: Int
    public init(requestsPerSecond: Double, burst: Double, maxBuckets: Int = 10_000) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.maxBuckets = maxBuckets
    }
}
