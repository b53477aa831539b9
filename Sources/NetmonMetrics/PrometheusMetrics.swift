import Prometheus
import Synchronization

/// A process's Prometheus metrics: one swift-prometheus `PrometheusCollectorRegistry` that every metric of the
/// process goes through, rendered by `/metrics` in text exposition format 0.0.4.
///
/// `netmon serve` and `netmon probe` each make one at start-up and hand it to the parts that count (the server,
/// alerting's delivery, the probe's scheduler and forwarder); tests make one per server they start. What this
/// adds to the registry: counters whose total is kept elsewhere (a database, the kernel) set from that total, and
/// gauges set from a value read at scrape time.
public final class PrometheusMetrics: Sendable {
    /// The content type `/metrics` answers with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The registry every metric of the process is made in.
    public let registry: PrometheusCollectorRegistry
    /// The last total set per counter (name and labels), to add only what is new.
    private let totals = Mutex<[SeriesKey: Int64]>([:])

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Sets a counter to a total counted elsewhere, which only grows while that source lives (a store's counter,
    /// the kernel's drop count). Adds the difference to the last total set; a smaller total (the source was
    /// rebuilt) starts the counter again from it, which Prometheus reads as a counter reset.
    public func setCounter(_ family: MetricNameDescriptor, labels: [(String, String)] = [], total: Int) {
        let counter = registry.makeCounter(descriptor: family, labels: labels)
        let total = Int64(clamping: max(0, total))
        let key = SeriesKey(name: family.name, labels: labels.flatMap { [$0.0, $0.1] })
        totals.withLock { totals in
            let last = totals[key] ?? 0
            if total >= last {
                counter.increment(by: total - last)
            } else {
                counter.reset()
                counter.increment(by: total)
            }
            totals[key] = total
        }
    }

    /// Sets a gauge to a value read now.
    public func setGauge(_ family: MetricNameDescriptor, labels: [(String, String)] = [], value: Double) {
        registry.makeGauge(descriptor: family, labels: labels).set(to: value)
    }

    /// Every metric in Prometheus text exposition format 0.0.4.
    public func render() -> String { registry.emitToString() }
}

extension MetricNameDescriptor {
    /// A family named in full as `/metrics` shows it (`netmon_outbox_pending`), so that the name can be searched
    /// for in the source, with its help text.
    public static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
