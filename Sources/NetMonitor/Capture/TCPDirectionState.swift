/// What the flow table remembers about one direction of a TCP connection.
struct TCPDirectionState {
    /// A TSval first seen in this direction, waiting for its echo.
    struct PendingTimestamp {
        var value: UInt32
        var time: Int64
    }

    /// A segment sent in this direction, waiting for its ACK (sequence/ack fallback only).
    struct PendingSegment {
        var start: UInt32
        var end: UInt32
        var time: Int64
        var isAmbiguous: Bool
    }

    /// How many TSvals wait for echoes at most.
    static let timestampCapacity = 64
    /// How many segments wait for ACKs at most.
    static let segmentCapacity = 256
    /// How long a TSval waits for its echo (pping's 10 s).
    static let timestampLifetime: Int64 = 10_000_000_000

    /// What identifies the previous packet in this direction, to recognise capture duplicates.
    struct Signature: Equatable {
        var sequence: UInt32
        var acknowledgement: UInt32
        var payload: Int
        var flags: UInt8
        var window: UInt16
        var identification: UInt16
    }

    /// A frame identical to the previous one in its direction within this time is a capture duplicate.
    static let duplicateWindow: Int64 = 10_000_000

    var previous: Signature?
    var previousTime: Int64 = .min
    var hasSequence = false
    /// One past the highest sequence number seen (the highest segment end).
    var nextSequence: UInt32 = 0
    var pendingTimestamps = BoundedQueue<PendingTimestamp>(capacity: Self.timestampCapacity)
    var lastRecordedTimestamp: UInt32?
    var pendingSegments = BoundedQueue<PendingSegment>(capacity: Self.segmentCapacity)
    /// The highest acknowledgement number sent in this direction.
    var highestAcknowledgement: UInt32?

    /// Records a TSval seen at `time` unless it is not newer than the last recorded one (each TSval once).
    mutating func recordTimestamp(_ value: UInt32, at time: Int64) {
        if let last = self.lastRecordedTimestamp, !SequenceArithmetic.isBefore(last, value) { return }
        while let oldest = self.pendingTimestamps.first, time - oldest.time > Self.timestampLifetime {
            self.pendingTimestamps.removeFirst()
        }
        self.pendingTimestamps.append(PendingTimestamp(value: value, time: time))
        self.lastRecordedTimestamp = value
    }

    /// Matches an echoed TSecr against this direction's TSvals: the time since the TSval was first seen, once.
    mutating func matchEcho(_ echo: UInt32, at time: Int64) -> Int64? {
        while let oldest = self.pendingTimestamps.first, SequenceArithmetic.isBefore(oldest.value, echo) {
            self.pendingTimestamps.removeFirst()
        }
        guard let oldest = self.pendingTimestamps.first, oldest.value == echo else { return nil }
        self.pendingTimestamps.removeFirst()
        let sample = time - oldest.time
        return sample >= 0 ? sample : nil
    }

    /// Marks every waiting segment overlapping `[start, end)` as retransmitted: Karn's rule forbids its sample.
    mutating func markAmbiguous(start: UInt32, end: UInt32) {
        for index in 0..<self.pendingSegments.count {
            let segment = self.pendingSegments[index]
            if SequenceArithmetic.isBefore(start, segment.end) && SequenceArithmetic.isBefore(segment.start, end) {
                self.pendingSegments[index].isAmbiguous = true
            }
        }
    }

    /// Acknowledges waiting segments up to `ack`: a sample when the newest one ends exactly there and was sent once.
    mutating func acknowledge(_ ack: UInt32, at time: Int64) -> Int64? {
        var last: PendingSegment?
        while let oldest = self.pendingSegments.first, !SequenceArithmetic.isBefore(ack, oldest.end) {
            last = oldest
            self.pendingSegments.removeFirst()
        }
        guard let last, last.end == ack, !last.isAmbiguous else { return nil }
        let sample = time - last.time
        return sample >= 0 ? sample : nil
    }
}
