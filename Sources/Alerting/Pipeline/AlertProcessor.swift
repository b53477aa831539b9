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
    private let deliveryTargets: [String: [String]]
    /// Inputs ingested while a tick waits for the store (nil when no tick is running).
    private var ingestedDuringTick: [Input]?
    /// Whether a tick is running.
    private var tickRunning = false
    /// Ticks waiting for the running one to finish, first come first served.
    private var waitingTicks: [CheckedContinuation<Void, Never>] = []

    /// One ingested input, kept to be replayed onto the engine a tick commits.
    private enum Input {
        case rounds([ProbeRound], receivedAt: Date)
        case health(ProbeHealth, receivedAt: Date)
        case coverage(CoverageSummary)
    }

    /// Opens the processor on a store, restoring the last committed state if there is one.
    ///
    /// `deliveryTargets` fans a route receiver out to several delivery targets (a receiver with both a webhook and
    /// an email integration): each target gets its own notification and id, so one failing integration never
    /// causes a duplicate on another. Receivers not listed deliver under their own name.
    ///
    /// `startedAt` is when this process starts: the time netmon was down does not count as gateway silence.
    public init(
        store: AlertStore, rules: AlertRules, route: Route, receiversWithoutResolved: Set<String> = [],
        deliveryTargets: [String: [String]] = [:], startedAt: Date = Date()
    ) async throws(DeliveryError) {
        self.store = store
        self.deliveryTargets = deliveryTargets
        if let snapshot = try await store.loadSnapshot() {
            self.engine = snapshot.engine
            self.engine.reconfigure(rules)
            self.engine.resume(at: startedAt)
            self.dispatcher = snapshot.dispatcher
        } else {
            self.engine = AlertEngine(rules: rules)
            self.dispatcher = NotificationDispatcher(route: route)
        }
        self.dispatcher.route = route
        self.dispatcher.receiversWithoutResolved = receiversWithoutResolved
    }

    /// Records probe rounds.
    public func ingest(_ rounds: [ProbeRound], receivedAt: Date) {
        self.apply(.rounds(rounds, receivedAt: receivedAt))
    }

    /// Records a probe health report.
    public func ingest(_ health: ProbeHealth, receivedAt: Date) {
        self.apply(.health(health, receivedAt: receivedAt))
    }

    /// Records a coverage summary.
    public func ingest(_ coverage: CoverageSummary) {
        self.apply(.coverage(coverage))
    }

    private func apply(_ input: Input) {
        Self.apply(input, to: &self.engine)
        self.ingestedDuringTick?.append(input)
    }

    private static func apply(_ input: Input, to engine: inout AlertEngine) {
        switch input {
        case .rounds(let rounds, let receivedAt): engine.ingest(rounds, receivedAt: receivedAt)
        case .health(let health, let receivedAt): engine.ingest(health, receivedAt: receivedAt)
        case .coverage(let coverage): engine.ingest(coverage)
        }
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
                engine: engine, dispatcher: dispatcher, actions: actions, notifications: notifications, now: now))
        for input in self.ingestedDuringTick ?? [] { Self.apply(input, to: &engine) }
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
