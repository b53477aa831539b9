import Foundation

/// The life cycle of every alert, pending → firing → resolved, as a value type that returns actions.
///
/// `apply(_:at:)` takes the signals of one evaluation and returns what changed; it does no I/O, so it is tested
/// with plain values and persisted as JSON between runs (a restart neither re-notifies nor forgets).
public struct AlertStateMachine: Sendable, Hashable, Codable {
    /// The state of one alert that is pending or firing.
    public struct Entry: Sendable, Hashable, Codable {
        /// Pending (waiting for `for`) or firing.
        public enum Phase: String, Sendable, Hashable, Codable {
            case pending
            case firing
        }

        public var labels: [String: String]
        public var annotations: [String: String]
        public var phase: Phase
        /// When the condition started to hold (start of pending).
        public var activeSince: Date
        /// When the alert fired; nil while pending.
        public var firingSince: Date?
        /// The last evaluation that saw the alert.
        public var lastEvaluated: Date

        /// The alert as delivered.
        public var alert: Alert {
            Alert(labels: self.labels, annotations: self.annotations, startsAt: self.firingSince ?? self.activeSince)
        }
    }

    /// What an evaluation changed.
    public enum Action: Sendable, Hashable {
        /// The condition started to hold; the alert waits for its `for` duration.
        case pending(Alert)
        /// The alert fires (notify).
        case fire(Alert)
        /// A firing alert resolved (notify, with `endsAt`).
        case resolve(Alert)
        /// A pending alert cleared, or its creation was suppressed, before it fired (no notification).
        case cancel(Fingerprint)
        /// The annotations of a firing alert changed (no new notification by itself).
        case update(Alert)
    }

    /// Pending and firing alerts by fingerprint.
    public private(set) var entries: [Fingerprint: Entry]

    /// An empty machine.
    public init() { self.entries = [:] }

    /// The alerts currently firing, by fingerprint.
    public var firing: [Alert] {
        self.entries.values.filter { $0.phase == .firing }.map(\.alert).sorted { $0.fingerprint < $1.fingerprint }
    }

    /// Applies one evaluation's signals at `now` and returns the actions in fingerprint order.
    ///
    /// Alerts without a signal in this evaluation keep their state (no data is not a recovery).
    public mutating func apply(_ signals: [AlertSignal], at now: Date) -> [Action] {
        var actions: [Action] = []
        var seen: Set<Fingerprint> = []
        for signal in signals.sorted(by: { $0.fingerprint < $1.fingerprint }) {
            let fingerprint = signal.fingerprint
            guard seen.insert(fingerprint).inserted else { continue }
            if let action = self.step(fingerprint, signal, now) { actions.append(action) }
        }
        return actions
    }

    /// Resolves a firing alert (or forgets a pending one) directly, e.g. when its rule was removed.
    public mutating func forget(_ fingerprint: Fingerprint, at now: Date) -> Action? {
        guard let entry = self.entries.removeValue(forKey: fingerprint) else { return nil }
        guard entry.phase == .firing else { return .cancel(fingerprint) }
        var alert = entry.alert
        alert.endsAt = now
        return .resolve(alert)
    }

    private mutating func step(_ fingerprint: Fingerprint, _ signal: AlertSignal, _ now: Date) -> Action? {
        guard var entry = self.entries[fingerprint] else {
            guard signal.level == .raise, !signal.isSuppressed else { return nil }
            var entry = Entry(
                labels: signal.labels, annotations: signal.annotations, phase: .pending, activeSince: now,
                firingSince: nil, lastEvaluated: now)
            if signal.forSeconds <= 0 {
                entry.phase = .firing
                entry.firingSince = now
                self.entries[fingerprint] = entry
                return .fire(entry.alert)
            }
            self.entries[fingerprint] = entry
            return .pending(entry.alert)
        }
        entry.lastEvaluated = now
        switch (entry.phase, signal.level) {
        case (.pending, .clear):
            self.entries[fingerprint] = nil
            return .cancel(fingerprint)
        case (.pending, _) where signal.isSuppressed:
            self.entries[fingerprint] = nil
            return .cancel(fingerprint)
        case (.pending, .raise):
            entry.annotations = signal.annotations
            if now.timeIntervalSince(entry.activeSince) >= signal.forSeconds {
                entry.phase = .firing
                entry.firingSince = now
                self.entries[fingerprint] = entry
                return .fire(entry.alert)
            }
            self.entries[fingerprint] = entry
            return nil
        case (.pending, .hold):
            self.entries[fingerprint] = entry
            return nil
        case (.firing, .clear):
            self.entries[fingerprint] = nil
            var alert = entry.alert
            alert.endsAt = now
            return .resolve(alert)
        case (.firing, _):
            let changed = entry.annotations != signal.annotations && !signal.annotations.isEmpty
            if changed { entry.annotations = signal.annotations }
            self.entries[fingerprint] = entry
            return changed ? .update(entry.alert) : nil
        }
    }
}
