import Foundation

/// Where an ``AlertStore`` keeps its rows: ``SQLiteAlertStore`` (one file, one server, the default) or a shared
/// database that several `netmon serve` replicas use (PostgreSQL, in `ServerAlerting`).
///
/// Every write is one transaction. An engine shared by replicas also queues the inputs every replica ingests
/// (``queue(_:)``) for the one replica that evaluates, which takes them in the transaction of its commit
/// (``EvaluationCommit/consumedInputs``), so each input counts exactly once whoever leads.
public protocol AlertStoreEngine: Sendable {
    /// Where the rows live, for messages (a path or a URL without its password).
    var location: String { get }

    /// Whether ingested inputs go through the store (``queue(_:)``) rather than straight to the local processor:
    /// true when several replicas share the store.
    var queuesInputs: Bool { get }

    // MARK: Outbox

    /// Stores notifications to be sent (idempotent by id).
    func enqueue(_ notifications: [AlertNotification]) async throws(DeliveryError)
    /// Pending notifications whose next attempt is due at `now`, oldest first.
    func due(at now: Date, limit: Int) async throws(DeliveryError) -> [NotificationOutboxEntry]
    /// The earliest next attempt among pending notifications.
    func nextAttempt() async throws(DeliveryError) -> Date?
    /// Every stored notification in a state, oldest first.
    func outbox(
        state: NotificationOutboxEntry.State, limit: Int
    ) async throws(DeliveryError) -> [NotificationOutboxEntry]
    /// Counts of notifications by state.
    func outboxCounts() async throws(DeliveryError) -> [NotificationOutboxEntry.State: Int]
    /// How many notifications were given up.
    func deadLetterCount() async throws(DeliveryError) -> Int
    /// Marks a notification delivered; false if it was not pending.
    func markDelivered(id: String, attempts: Int, at now: Date) async throws(DeliveryError) -> Bool
    /// Records a failed attempt and when to try again.
    func reschedule(id: String, attempts: Int, next: Date, error: String) async throws(DeliveryError)
    /// Marks a notification dead and records it in the dead letters.
    func deadLetter(id: String, attempts: Int, error: String, at now: Date) async throws(DeliveryError)
    /// Deletes delivered notifications finished before `cutoff`; returns how many.
    func pruneDelivered(before cutoff: Date) async throws(DeliveryError) -> Int

    // MARK: Silences

    /// Adds (or replaces, by id) a silence; the caller checked that it ends after it starts.
    func add(_ silence: Silence) async throws(DeliveryError)
    /// Ends a silence now; false if there is no such active silence.
    func expireSilence(id: String, at now: Date) async throws(DeliveryError) -> Bool
    /// Silences active at `now`, or every stored one when `now` is nil, by start then id.
    func silences(activeAt now: Date?) async throws(DeliveryError) -> [Silence]
    /// Deletes silences that ended before `cutoff`; returns how many.
    func pruneSilences(endedBefore cutoff: Date) async throws(DeliveryError) -> Int

    // MARK: Alerts and engine state

    /// The engine and dispatcher saved by the last commit, nil on a new store.
    func loadSnapshot() async throws(DeliveryError) -> (engine: AlertEngine, dispatcher: NotificationDispatcher)?
    /// Stores the engine, the dispatcher, the alert rows the actions change, the new notifications and the removal
    /// of the consumed inputs, all in one transaction (fenced by the leader's term on a shared store).
    func commit(_ commit: EvaluationCommit) async throws(DeliveryError)
    /// Alerts by state and labels, newest first, at most `query.limit`, with `isSilenced` false.
    func alertRecords(_ query: AlertQuery) async throws(DeliveryError) -> [AlertRecord]
    /// How many alerts the store holds in each state.
    func alertCounts() async throws(DeliveryError) -> [AlertRecord.State: Int]
    /// Deletes resolved alerts that ended before `cutoff`; returns how many.
    func pruneResolved(before cutoff: Date) async throws(DeliveryError) -> Int

    // MARK: Inputs of a shared store

    /// Queues an input for the evaluating replica.
    func queue(_ input: AlertInput) async throws(DeliveryError)
    /// The oldest queued inputs, at most `limit`, in the order they were queued.
    func queuedInputs(limit: Int) async throws(DeliveryError) -> [QueuedAlertInput]
}

extension AlertStoreEngine {
    public var queuesInputs: Bool { false }

    /// A store of one server has no queue: the processor is fed directly.
    public func queue(_ input: AlertInput) async throws(DeliveryError) {
        throw DeliveryError(
            code: .store, message: "this alert store does not queue inputs (one server feeds its processor)",
            context: self.location)
    }

    public func queuedInputs(limit: Int) async throws(DeliveryError) -> [QueuedAlertInput] { [] }
}

/// The outcome of one evaluation that must be stored atomically.
public struct EvaluationCommit: Sendable {
    /// The engine after the evaluation.
    public var engine: AlertEngine
    /// The dispatcher after the flush.
    public var dispatcher: NotificationDispatcher
    /// The state-machine actions of the evaluation, for the alert table.
    public var actions: [AlertStateMachine.Action]
    /// The notifications to enqueue.
    public var notifications: [AlertNotification]
    /// The evaluation time.
    public var now: Date
    /// The queued inputs (ids of ``QueuedAlertInput``) the engine took in; removed in the same transaction.
    public var consumedInputs: [Int64]

    public init(
        engine: AlertEngine, dispatcher: NotificationDispatcher, actions: [AlertStateMachine.Action],
        notifications: [AlertNotification], now: Date, consumedInputs: [Int64] = []
    ) {
        self.engine = engine
        self.dispatcher = dispatcher
        self.actions = actions
        self.notifications = notifications
        self.now = now
        self.consumedInputs = consumedInputs
    }
}
