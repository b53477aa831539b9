import Dispatch
import Foundation
import Logging
import ModemSignal
import NetmonProtocol
import ServiceLifecycle

/// The gateway's modem as a fixed signal monitor: every `interval`, one reading through ModemSignal (the tool's
/// commands run on a dispatch thread, off the cooperative pool), turned into a signal report placed at the
/// gateway's location with source `gateway:<code>`, stored in the gateway store and its signal outbox.
///
/// A missing modem or a failing command never stops the daemon: each failure is counted in
/// `netmon_modem_read_failures_total{source,reason}` and logged once per change of reason (and once when readings
/// come back), not every interval. For mmcli, a reading that finds ModemManager's signal polling off issues
/// `--signal-setup` once and reads again.
public struct SignalMonitor: Service {
    let probeID: String
    let commune: String
    let signal: AgentSignal
    let store: GatewayStore
    let metrics: MetricsRegistry?
    let logger: Logger
    let onRecorded: @Sendable (GatewaySignalReport) -> Void
    /// Reads the modem; the real tools unless a test passes its own.
    let read: @Sendable (Date) -> Result<ModemSignalReading, ModemSignalError>

    public init(
        probeID: String, commune: String, signal: AgentSignal, store: GatewayStore, metrics: MetricsRegistry? = nil,
        logger: Logger = Logger(label: "netmon.signal"),
        onRecorded: @escaping @Sendable (GatewaySignalReport) -> Void = { _ in }
    ) {
        self.probeID = probeID
        self.commune = commune
        self.signal = signal
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.onRecorded = onRecorded
        let reader = signal.reader
        let pollingSeconds = Self.pollingSeconds(signal.interval)
        self.read = { time in
            do throws(ModemSignalError) {
                return .success(try Self.read(reader, time: time, pollingSeconds: pollingSeconds))
            } catch {
                return .failure(error)
            }
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
        let source = signal.reader.source.rawValue
        metrics?.registerModem(source: source)
        logger.info(
            "signal monitor starting",
            metadata: [
                "source": "\(source)", "device": "\(signal.reader.device)",
                "interval_s": "\(signal.interval.components.seconds)",
            ])
        var lastFailure: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            lastFailure = await takeReading(lastFailure: lastFailure)
            let next = started + signal.interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(until: next, clock: .continuous) }
        }
        logger.info("signal monitor stopped")
    }

    /// One reading, stored; returns the failure reason in force afterwards (nil after a success).
    func takeReading(lastFailure: String?) async -> String? {
        let source = signal.reader.source.rawValue
        let time = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let read = self.read
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: read(time)) }
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
