import Foundation
import Synchronization

/// Whether this process is the replica that does the singleton work (alert evaluation and delivery, Alertmanager
/// re-sending, coverage recomputation, retention), and under which term.
///
/// One server alone (``init()``, SQLite) always leads, in term 0. Replicas on one PostgreSQL share a lease row
/// (``PostgresLeaderLease``), which sets the term here: a term's token grows by one at every change of holder and
/// fences the leader's writes.
public final class Leadership: Sendable {
    /// One period of leadership; `token` is the lease's fencing token.
    public struct Term: Sendable, Hashable {
        public var token: Int64

        public init(token: Int64) {
            self.token = token
        }
    }

    private struct State {
        var term: Term?
        var changes = 0
    }

    private let state: Mutex<State>
    /// Whether several replicas compete (false: one server, always the leader).
    public let isShared: Bool
    /// This process's name in the lease (host, pid and a random part).
    public let holder: String
    /// The longest time from a leader's death to another replica leading (nil for one server).
    public let takeoverBoundSeconds: Double?

    /// One server alone: the leader for good (term 0).
    public init() {
        self.isShared = false
        self.holder = Self.makeHolder()
        self.takeoverBoundSeconds = nil
        self.state = Mutex(State(term: Term(token: 0)))
    }

    /// A replica among several: not the leader until a lease says so.
    init(sharedAs holder: String, takeoverBoundSeconds: Double) {
        self.isShared = true
        self.holder = holder
        self.takeoverBoundSeconds = takeoverBoundSeconds
        self.state = Mutex(State(term: nil))
    }

    /// The current term, nil when another replica leads (or nobody is known to).
    public var term: Term? { self.state.withLock { $0.term } }

    public var isLeader: Bool { self.term != nil }

    /// How many times this process became the leader or stopped being it (`netmon_leader_changes_total`).
    public var changes: Int { self.state.withLock { $0.changes } }

    /// Sets the term; returns whether it changed.
    @discardableResult
    func set(_ term: Term?) -> Bool {
        self.state.withLock { state in
            guard state.term != term else { return false }
            // A new token without a step down in between (the lease went to another replica and back) counts as
            // two changes, as if both had been seen.
            state.changes += state.term != nil && term != nil ? 2 : 1
            state.term = term
            return true
        }
    }

    /// Waits until this process leads and returns the term; nil when the task is cancelled or `giveUp` says so
    /// first (checked at every poll).
    public func waitForTerm(poll: Duration = .milliseconds(100), giveUp: () -> Bool = { false }) async -> Term? {
        while !Task.isCancelled && !giveUp() {
            if let term = self.term { return term }
            guard (try? await Task.sleep(for: poll)) != nil else { return nil }
        }
        return nil
    }

    /// Waits until `term` ends (another term, or none) or the task is cancelled.
    public func waitUntilEnded(_ term: Term, poll: Duration = .milliseconds(100)) async {
        while !Task.isCancelled && self.term == term {
            guard (try? await Task.sleep(for: poll)) != nil else { return }
        }
    }

    /// `host-pid-random`: unique among the replicas, and readable in the lease row.
    static func makeHolder() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}
