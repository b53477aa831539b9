import Foundation

/// Alert state, silences, the notification outbox, dead letters and the engine's snapshot: what the processor,
/// the delivery worker, the Alertmanager re-sender, retention and the API share.
///
/// One type over two engines (``AlertStoreEngine``): ``SQLiteAlertStore``, a file beside the server's SQLite
/// database (the default for one machine), or PostgreSQL beside the rest of the province store when replicas share
/// it. Every notification is written before any attempt to send it, in the same transaction as the alert state
/// that produced it; so after a crash either both exist or neither, and a restart (or another replica taking over)
/// neither re-notifies nor forgets.
public struct AlertStore: Sendable {
    /// Where the rows live.
    public let engine: any AlertStoreEngine

    /// A store on `engine`.
    public init(engine: any AlertStoreEngine) {
        self.engine = engine
    }

    /// Opens (creating and migrating if needed) the SQLite store at `path`.
    public init(path: String) async throws(DeliveryError) {
        self.engine = try await SQLiteAlertStore(path: path)
    }

    // MARK: Outbox

    /// Stores notifications to be sent (idempotent by id).
    public func enqueue(_ notifications: [AlertNotification]) async throws(DeliveryError) {
        try await self.engine.enqueue(notifications)
    }

    /// Pending notifications whose next attempt is due at `now`, oldest first.
    public func due(at now: Date, limit: Int = 100) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        try await self.engine.due(at: now, limit: limit)
    }

    /// The earliest next attempt among pending notifications.
    public func nextAttempt() async throws(DeliveryError) -> Date? { try await self.engine.nextAttempt() }

    /// Every stored notification in a state, oldest first.
    public func outbox(
        state: NotificationOutboxEntry.State, limit: Int = 1000
    ) async throws(DeliveryError) -> [NotificationOutboxEntry] {
        try await self.engine.outbox(state: state, limit: limit)
    }

    /// Counts of notifications by state.
    public func outboxCounts() async throws(DeliveryError) -> [NotificationOutboxEntry.State: Int] {
        try await self.engine.outboxCounts()
    }

    /// How many notifications were given up (the dead-letter counter).
    public func deadLetterCount() async throws(DeliveryError) -> Int { try await self.engine.deadLetterCount() }

    /// Marks a notification delivered. Returns false if it was not pending (already delivered or dead).
    @discardableResult
    public func markDelivered(id: String, attempts: Int, at now: Date) async throws(DeliveryError) -> Bool {
        try await self.engine.markDelivered(id: id, attempts: attempts, at: now)
    }

    /// Records a failed attempt and when to try again.
    public func reschedule(id: String, attempts: Int, next: Date, error: String) async throws(DeliveryError) {
        try await self.engine.reschedule(id: id, attempts: attempts, next: next, error: error)
    }

    /// Gives a notification up: marks it dead and records it in the dead-letter table.
    public func deadLetter(id: String, attempts: Int, error: String, at now: Date) async throws(DeliveryError) {
        try await self.engine.deadLetter(id: id, attempts: attempts, error: error, at: now)
    }

    /// Deletes delivered notifications finished before `cutoff`.
    @discardableResult
    public func pruneDelivered(before cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.engine.pruneDelivered(before: cutoff)
    }

    // MARK: Silences

    /// Adds (or replaces, by id) a silence.
    public func add(_ silence: Silence) async throws(DeliveryError) {
        guard silence.endsAt > silence.startsAt else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "a silence must end after it starts", context: silence.id)
        }
        try await self.engine.add(silence)
    }

    /// Ends a silence now (keeps it for the record); false if there is no such active silence.
    @discardableResult
    public func expireSilence(id: String, at now: Date) async throws(DeliveryError) -> Bool {
        try await self.engine.expireSilence(id: id, at: now)
    }

    /// Silences that are active at `now`, or every stored one when `now` is nil.
    public func silences(activeAt now: Date? = nil) async throws(DeliveryError) -> [Silence] {
        try await self.engine.silences(activeAt: now)
    }

    /// Deletes silences that ended before `cutoff`; returns how many.
    @discardableResult
    public func pruneSilences(endedBefore cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.engine.pruneSilences(endedBefore: cutoff)
    }

    // MARK: Alerts and engine state

    /// The engine and dispatcher saved by the last commit, nil on a new store.
    public func loadSnapshot() async throws(DeliveryError) -> (
        engine: AlertEngine, dispatcher: NotificationDispatcher
    )? {
        try await self.engine.loadSnapshot()
    }

    /// Stores the engine, the dispatcher, the alert rows the actions change and the new notifications, all in one
    /// transaction.
    public func commit(_ commit: EvaluationCommit) async throws(DeliveryError) {
        try await self.engine.commit(commit)
    }

    /// Alerts by state and labels, newest first; `isSilenced` reflects `silences` at `now`.
    public func alerts(
        _ query: AlertQuery = AlertQuery(), now: Date = Date()
    ) async throws(DeliveryError) -> [AlertRecord] {
        let silences = try await self.silences(activeAt: now)
        return try await self.engine.alertRecords(query).map { record in
            var record = record
            record.isSilenced = silences.mutes(record.labels, at: now)
            return record
        }
    }

    /// How many alerts the store holds in each state.
    public func alertCounts() async throws(DeliveryError) -> [AlertRecord.State: Int] {
        try await self.engine.alertCounts()
    }

    /// Deletes resolved alerts that ended before `cutoff`; returns how many.
    @discardableResult
    public func pruneResolved(before cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.engine.pruneResolved(before: cutoff)
    }

    // MARK: Inputs

    /// Queues an input for the evaluating replica (a shared store only; see ``AlertStoreEngine/queuesInputs``).
    public func queue(_ input: AlertInput) async throws(DeliveryError) { try await self.engine.queue(input) }

    /// The oldest queued inputs (none on a store of one server).
    public func queuedInputs(limit: Int = 10_000) async throws(DeliveryError) -> [QueuedAlertInput] {
        try await self.engine.queuedInputs(limit: limit)
    }

    // MARK: Coding

    /// The JSON coders of the store's JSON columns: sorted keys, dates as Unix seconds.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
