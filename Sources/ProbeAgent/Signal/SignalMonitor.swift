import Dispatch
import Foundation
import Logging
import ModemSignal
import NetmonProtocol
import ServiceLifecycle
import Synchronization

/// The gateway's modem as a fixed signal monitor: every `interval`, one reading through ModemSignal (the tool's
/// commands run on a dispatch thread, off the cooperative pool), turned into a signal report placed at the
/// gateway's location with source `gateway:<code>`, stored in the gateway store and its signal outbox.
///
/// A missing modem or a failing command never stops the daemon: each failure is counted in
/// `netmon_modem_read_failures_total{source,reason}` and logged once per change of reason (and once when readings
/// come back), not every interval. For mmcli, a reading that finds ModemManager's signal polling off issues
/// `--signal-setup` once and reads again.
///
/// A SIGHUP reload hands the commune's new `signal` and `location` to ``update(_:)``: a reading with them (tool,
/// device, interval, position) is taken at once; a removed `signal` block pauses the monitor until one comes back.
public struct SignalMonitor: Service {
    let probeID: String
    let commune: String
    let settings: Settings
    let store: GatewayStore
    let metrics: MetricsRegistry?
    let logger: Logger
    let onRecorded: @Sendable (GatewaySignalReport) -> Void

    /// The settings in force, replaced by a reload; nil while sites.yaml has no `signal` block for the commune.
    /// `generation` counts the replacements, so a sleeping monitor notices one.
    final class Settings: Sendable {
        private let current: Mutex<(signal: AgentSignal?, generation: Int)>

        init(_ signal: AgentSignal?) { self.current = Mutex((signal, 0)) }

        var value: (signal: AgentSignal?, generation: Int) { self.current.withLock { $0 } }

        /// Replaces the settings; whether they changed.
        func replace(_ signal: AgentSignal?) -> Bool {
            self.current.withLock { current in
                guard current.signal != signal else { return false }
                current = (signal, current.generation &+ 1)
                return true
            }
        }
    }

    public init(
        probeID: String, commune: String, signal: AgentSignal, store: GatewayStore, metrics: MetricsRegistry? = nil,
        logger: Logger = Logger(label: "netmon.signal"),
        onRecorded: @escaping @Sendable (GatewaySignalReport) -> Void = { _ in }
    ) {
        self.probeID = probeID
        self.commune = commune
        self.settings = Settings(signal)
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.onRecorded = onRecorded
    }

    /// Applies the commune's `signal` settings of a reloaded sites.yaml (nil: the block was removed) and logs
    /// what changed; nothing happens when they are the same.
    public func update(_ signal: AgentSignal?) {
        guard self.settings.replace(signal) else { return }
        if let signal {
            self.metrics?.registerModem(source: signal.reader.source.rawValue)
            self.logger.info(
                "SIGHUP: signal monitor settings applied; reading now",
                metadata: [
                    "source": "\(signal.reader.source.rawValue)", "device": "\(signal.reader.device)",
                    "interval_s": "\(signal.interval.components.seconds)", "lat": "\(signal.lat)",
                    "lon": "\(signal.lon)",
                ])
        } else {
            self.logger.info("SIGHUP: the signal block was removed; the signal monitor pauses until it comes back")
        }
    }

    /// One reading with `signal`'s tool (blocking: called on a dispatch thread).
    static func read(_ signal: AgentSignal, time: Date) -> Result<ModemSignalReading, ModemSignalError> {
        do throws(ModemSignalError) {
            return .success(
                try Self.read(signal.reader, time: time, pollingSeconds: Self.pollingSeconds(signal.interval)))
        } catch {
            return .failure(error)
        }
    }

    /// One reading; when ModemManager polls no signal yet, `--signal-setup` and a second reading.
    static func read(
        _ reader: ModemReader, time: Date, pollingSeconds: Int
    ) throws(ModemSignalError) -> ModemSignalReading {
        do throws(ModemSignalError) {
            return try reader.read(time: time)
        } catch {
            guard error.code == .signalPollingDisabled else { throw error }
            try reader.setUpPolling(seconds: pollingSeconds)
            return try reader.read(time: time)
        }
    }

    /// ModemManager's polling period for a reading every `interval`: at most a minute, so each reading is fresh.
    static func pollingSeconds(_ interval: Duration) -> Int {
        Int(min(60, max(5, interval.components.seconds)))
    }

    public func run() async throws {
        if let signal = settings.value.signal {
            metrics?.registerModem(source: signal.reader.source.rawValue)
            logger.info(
                "signal monitor starting",
                metadata: [
                    "source": "\(signal.reader.source.rawValue)", "device": "\(signal.reader.device)",
                    "interval_s": "\(signal.interval.components.seconds)",
                ])
        }
        var lastFailure: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            let (signal, generation) = settings.value
            // Paused (no `signal` block since a reload): no reading, only waiting for new settings.
            var next = started + .seconds(86400)
            if let signal {
                lastFailure = await takeReading(signal, lastFailure: lastFailure)
                next = started + signal.interval
            }
            // Until the next reading, in slices of at most a second: a reload that changes the settings ends the
            // wait, and the next reading (with the new tool, device, interval or position) is taken at once.
            while ContinuousClock.now < next, settings.value.generation == generation, !Task.isCancelled,
                !Task.isShuttingDownGracefully
            {
                let slice = min(next, ContinuousClock.now + .seconds(1))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(until: slice, clock: .continuous) }
            }
        }
        logger.info("signal monitor stopped")
    }

    /// One reading with `signal`, stored; returns the failure reason in force afterwards (nil after a success).
    func takeReading(_ signal: AgentSignal, lastFailure: String?) async -> String? {
        let source = signal.reader.source.rawValue
        let time = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: Self.read(signal, time: time)) }
        }
        switch result {
        case .failure(let error):
            let reason = error.code.rawValue
            metrics?.addModemReadFailure(source: source, reason: reason)
            if reason != lastFailure {
                logger.warning(
                    "cannot read the modem's signal; probing goes on (logged again when the reason changes)",
                    metadata: ["source": "\(source)", "reason": "\(reason)", "error": "\(error)"])
            }
            return reason
        case .success(let reading):
            if let lastFailure {
                logger.info(
                    "modem signal readings are back", metadata: ["source": "\(source)", "after": "\(lastFailure)"])
            }
            let draft = GatewaySignalReport(
                probeID: probeID, sequence: 0, storeID: nil, commune: commune, time: reading.time, lat: signal.lat,
                lon: signal.lon, technology: reading.technology.coverageTechnology,
                radioAccess: reading.technology.rawValue, operatorCode: reading.operatorCode,
                modemTool: reading.source.rawValue,
                metrics: Dictionary(reading.metrics.map { ($0.metric, $0.value) }, uniquingKeysWith: { a, _ in a }))
            do {
                let report = try await store.recordSignal(draft)
                metrics?.recordModemReading(source: source, technology: report.technology.rawValue, at: reading.time)
                logger.debug(
                    "signal report stored",
                    metadata: ["sequence": "\(report.sequence)", "technology": "\(report.technology.rawValue)"])
                onRecorded(report)
            } catch {
                metrics?.addStoreError()
                logger.error("cannot store a signal report", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }
}
