import Foundation
import NetmonProtocol

/// Owns the alert engine, the dispatcher and the store: inputs in, notifications into the outbox.
///
/// `tick(at:)` evaluates the rules, routes the changes, flushes due groups and commits everything in one SQLite
/// transaction before updating its in-memory copy; if the commit fails, nothing changed and the next tick retries.
/// State is loaded from the store at start, so a restart continues where the last commit left off.
///
/// The store is asynchronous, so the actor can take other calls while a tick waits for it. Ticks therefore run one
/// at a time (a tick waits for the one before it), and what is ingested while a tick waits goes into the current
/// engine as usual and is also kept, to be applied again to the engine the tick commits: nothing ingested during a
/// tick is lost, whether the commit succeeds or fails.
public actor AlertProcessor {
    /// The store (also used by the delivery worker and the API).
    public nonisolated let store: AlertStore
    private var engine: AlertEngine
    private var dispatcher: NotificationDispatcher
    private let rules: AlertRules
    private let route: Route
    private let receiversWithoutResolved: Set<String>
    private let deliveryTargets: [String: [String]]
    /// Inputs ingested while a tick waits for the store (nil when no tick is running).
    private var ingestedDuringTick: [AlertInput]?
    /// Whether a tick is running.
    private var tickRunning = false
    /// Ticks waiting for the running one to finish, first come first served.
    private var waitingTicks: [CheckedContinuation<Void, Never>] = []

    /// Opens the processor on a store, restoring the last committed state if there is one.
    ///
    /// `deliveryTargets` fans a route receiver out to several delivery targets (a receiver with both a webhook and
    /// an email integration): each target gets its own notification and id, so one failing integration never
    /// causes a duplicate on another. Receivers not listed deliver under their own name.
    ///
    /// `startedAt` is when this process starts: the time netmon was down does not count as gateway silence.
    ///
    /// With `restore` false the processor starts empty and reads nothing: a replica of a shared store calls
    /// ``reload(at:)`` when it becomes the one that evaluates (the store may not be reachable yet at start).
    public init(
        store: AlertStore, rules: AlertRules, route: Route, receiversWithoutResolved: Set<String> = [],
        deliveryTargets: [String: [String]] = [:], startedAt: Date = Date(), restore: Bool = true
    ) async throws(DeliveryError) {
        self.store = store
        self.rules = rules
        self.route = route
        self.receiversWithoutResolved = receiversWithoutResolved
        self.deliveryTargets = deliveryTargets
        let snapshot = restore ? try await store.loadSnapshot() : nil
        (self.engine, self.dispatcher) = Self.restored(
            snapshot, rules: rules, route: route, receiversWithoutResolved: receiversWithoutResolved, at: startedAt)
    }

    /// The engine and dispatcher of a snapshot (or new ones), under today's rules and route.
    private static func restored(
        _ snapshot: (engine: AlertEngine, dispatcher: NotificationDispatcher)?, rules: AlertRules, route: Route,
        receiversWithoutResolved: Set<String>, at now: Date
    ) -> (AlertEngine, NotificationDispatcher) {
        var engine: AlertEngine
        var dispatcher: NotificationDispatcher
        if let snapshot {
            engine = snapshot.engine
            engine.reconfigure(rules)
            engine.resume(at: now)
            dispatcher = snapshot.dispatcher
        } else {
            engine = AlertEngine(rules: rules)
            dispatcher = NotificationDispatcher(route: route)
        }
        dispatcher.route = route
        dispatcher.receiversWithoutResolved = receiversWithoutResolved
        return (engine, dispatcher)
    }

    /// Replaces the in-memory state by the last committed one, as at a restart: a replica that takes over the
    /// evaluation continues exactly where the previous leader's last commit left off (its alerts, group states
    /// and notification times), so nothing already notified is notified again under a new id.
    public func reload(at now: Date) async throws(DeliveryError) {
        let snapshot = try await self.store.loadSnapshot()
        (self.engine, self.dispatcher) = Self.restored(
            snapshot, rules: self.rules, route: self.route, receiversWithoutResolved: self.receiversWithoutResolved,
            at: now)
    }

    /// Records probe rounds.
    public func ingest(_ rounds: [ProbeRound], receivedAt: Date) {
        self.ingest(.rounds(rounds, receivedAt: receivedAt))
    }

    /// Records a probe health report.
    public func ingest(_ health: ProbeHealth, receivedAt: Date) {
        self.ingest(.health(health, receivedAt: receivedAt))
    }

    /// Records a coverage summary.
    public func ingest(_ coverage: CoverageSummary) {
        self.ingest(.coverage(coverage))
    }

    /// Records an input.
    public func ingest(_ input: AlertInput) {
        input.apply(to: &self.engine)
        self.ingestedDuringTick?.append(input)
    }

    /// Evaluates, routes, flushes and commits at `now`; returns the notifications that were enqueued.
    @discardableResult
    public func tick(at now: Date) async throws(DeliveryError) -> [AlertNotification] {
        if self.tickRunning {
            // The running tick hands over to this one when it ends (tickRunning stays true).
            await withCheckedContinuation { self.waitingTicks.append($0) }
        } else {
            self.tickRunning = true
        }
        self.ingestedDuringTick = []
        defer {
            self.ingestedDuringTick = nil
            if self.waitingTicks.isEmpty {
                self.tickRunning = false
            } else {
                self.waitingTicks.removeFirst().resume()
            }
        }
        var engine = self.engine
        var dispatcher = self.dispatcher
        // Inputs other replicas queued in a shared store: taken in by this commit, or left for the next tick.
        let queued = try await self.store.queuedInputs()
        for entry in queued { entry.input.apply(to: &engine) }
        let actions = engine.evaluate(at: now)
        for action in actions {
            switch action {
            case .fire(let alert), .resolve(let alert): dispatcher.receive(alert, at: now)
            case .pending, .cancel, .update: break
            }
        }
        let silences = try await self.store.silences(activeAt: now)
        let notifications = dispatcher.flush(at: now, silences: silences).flatMap { notification in
            guard let targets = self.deliveryTargets[notification.receiver] else { return [notification] }
            return targets.enumerated().map { index, target in
                var copy = notification
                copy.receiver = target
                if index > 0 { copy.id = AlertNotification.makeID() }
                return copy
            }
        }
        try await self.store.commit(
            EvaluationCommit(
                engine: engine, dispatcher: dispatcher, actions: actions, notifications: notifications, now: now,
                consumedInputs: queued.map(\.id)))
        for input in self.ingestedDuringTick ?? [] { input.apply(to: &engine) }
        self.engine = engine
        self.dispatcher = dispatcher
        return notifications
    }

    /// The alerts firing now according to the engine.
    public func firingAlerts() -> [Alert] { self.engine.machine.firing }

    /// The receivers a label set is routed to.
    public func receivers(for labels: [String: String]) -> [String] {
        self.dispatcher.route.match(labels).map(\.receiver)
    }

    /// When the dispatcher next needs a tick.
    public func nextFlush() -> Date? { self.dispatcher.nextFlush }
}
