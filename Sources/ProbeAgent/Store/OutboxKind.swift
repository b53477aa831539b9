/// What an outbox holds: probe rounds, or the modem's signal reports. Each has its own tables, sequence and
/// endpoint, and the same rules (durable before it is sent, removed only once the server has judged it).
public enum OutboxKind: String, Sendable, Hashable, CaseIterable {
    case rounds
    case signal

    /// The table of unsent wire JSON.
    var outboxTable: String {
        switch self {
        case .rounds: "outbox"
        case .signal: "signal_outbox"
        }
    }

    /// Where items the server refused for good are set aside.
    var rejectedTable: String {
        switch self {
        case .rounds: "rejected_round"
        case .signal: "rejected_signal"
        }
    }

    /// The table of stored items whose store id follows a re-identification.
    var storedTable: String {
        switch self {
        case .rounds: "round"
        case .signal: "signal_report"
        }
    }

    /// Store counters: items dropped from a full outbox, items refused for good.
    var droppedCounter: String {
        switch self {
        case .rounds: "outbox_dropped"
        case .signal: "signal_outbox_dropped"
        }
    }

    var rejectedCounter: String {
        switch self {
        case .rounds: "rounds_rejected"
        case .signal: "signal_reports_rejected"
        }
    }

    /// The last path component of the server's ingest endpoint (`/api/v1/ingest/<…>`), and the batch's list key.
    var endpoint: String {
        switch self {
        case .rounds: "rounds"
        case .signal: "signal"
        }
    }

    var batchKey: String {
        switch self {
        case .rounds: "rounds"
        case .signal: "reports"
        }
    }

    /// What one item is called in logs.
    var itemName: String {
        switch self {
        case .rounds: "rounds"
        case .signal: "signal reports"
        }
    }
}
