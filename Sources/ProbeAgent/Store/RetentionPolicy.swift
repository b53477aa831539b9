/// How long the gateway keeps each resolution of data, and how large the database may grow.
///
/// Like SmokePing's RRD archives: every raw round for a week, 5-minute consolidations for 90 days and hourly
/// consolidations for two years. Rollups are maintained as rounds are written, so expiring raw rounds loses no
/// history at the coarser resolutions.
public struct RetentionPolicy: Sendable, Hashable {
    /// How long raw rounds are kept, in seconds (default 7 days).
    public var rawSeconds: Double
    /// How long 5-minute rollups are kept, in seconds (default 90 days).
    public var fiveMinuteSeconds: Double
    /// How long hourly rollups are kept, in seconds (default 2 years).
    public var hourlySeconds: Double
    /// The most rounds the outbox holds while the server is unreachable; beyond it the oldest unsent rounds are
    /// dropped (and counted), so a gateway cut off for months cannot fill its disk. Default 1,000,000 rounds
    /// (about two weeks of 50 targets at one round a minute).
    public var maxOutboxRounds: Int
    /// A hard ceiling on the database's size in bytes; when it is exceeded, the oldest raw rounds are removed
    /// before their time. Default 512 MiB.
    public var maxDatabaseBytes: Int64
    /// How long the modem's signal reports are kept, in seconds (default 90 days: one every five minutes is
    /// about 26,000 small rows). The outbox of signal reports is bounded by `maxOutboxRounds` as the rounds' is.
    public var signalSeconds: Double

    public static let day: Double = 86_400

    public init(
        rawSeconds: Double = 7 * day, fiveMinuteSeconds: Double = 90 * day, hourlySeconds: Double = 730 * day,
        maxOutboxRounds: Int = 1_000_000, maxDatabaseBytes: Int64 = 512 << 20, signalSeconds: Double = 90 * day
    ) {
        self.signalSeconds = signalSeconds
        self.rawSeconds = rawSeconds
        self.fiveMinuteSeconds = fiveMinuteSeconds
        self.hourlySeconds = hourlySeconds
        self.maxOutboxRounds = maxOutboxRounds
        self.maxDatabaseBytes = maxDatabaseBytes
    }

    /// The defaults described above.
    public static let standard = RetentionPolicy()
}
