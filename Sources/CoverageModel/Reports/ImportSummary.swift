import NetmonProtocol

/// A row that was not turned into a report, and why.
public struct RowRejection: Sendable, Equatable, CustomStringConvertible {
    /// The file the row came from.
    public var file: String
    /// 1-based row (line) number; the header is row 1.
    public var row: Int
    public var reason: String

    public init(file: String, row: Int, reason: String) {
        self.file = file
        self.row = row
        self.reason = reason
    }

    public var description: String { "\(self.file):\(self.row): \(self.reason)" }
}

/// What an import did: rows read, accepted per technology, rejected with reasons, values dropped.
///
/// Memory stays bounded: only the first `maxKeptRejections` rejections are kept; all are counted.
public struct ImportSummary: Sendable, Equatable {
    public var rowsRead = 0
    public var accepted: [Technology: Int] = [:]
    public var rejectedCount = 0
    public var rejections: [RowRejection] = []
    /// Values outside their metric's valid range, dropped, per metric.
    public var droppedOutOfRange: [SignalMetric: Int] = [:]
    /// Values equal to a sentinel or a "no value" text (`-` in G-NetTrack logs), per metric.
    public var sentinelValues: [SignalMetric: Int] = [:]
    public var maxKeptRejections: Int

    public init(maxKeptRejections: Int = 1000) { self.maxKeptRejections = maxKeptRejections }

    public var acceptedCount: Int { self.accepted.values.reduce(0, +) }
    public var droppedCount: Int { self.droppedOutOfRange.values.reduce(0, +) }

    mutating func reject(_ rejection: RowRejection) {
        self.rejectedCount += 1
        if self.rejections.count < self.maxKeptRejections { self.rejections.append(rejection) }
    }

    /// Adds another file's figures to these.
    public mutating func merge(_ other: ImportSummary) {
        self.rowsRead += other.rowsRead
        self.accepted.merge(other.accepted, uniquingKeysWith: +)
        self.rejectedCount += other.rejectedCount
        for r in other.rejections where self.rejections.count < self.maxKeptRejections { self.rejections.append(r) }
        self.droppedOutOfRange.merge(other.droppedOutOfRange, uniquingKeysWith: +)
        self.sentinelValues.merge(other.sentinelValues, uniquingKeysWith: +)
    }
}
