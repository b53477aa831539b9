/// The stateful reflector's per-session counters (RFC 8762 §4.3.2): each session numbers the packets it reflects
/// from 0 in its own Sequence Number, so the sender can tell packets lost on the way out (gaps between the
/// reflector's numbers and its own) from packets lost on the way back.
///
/// A session is the sender's address and port with the SSID (RFC 8972 §3). Sessions idle longer than `idleTimeout`
/// are forgotten (a sender that comes back starts from 0 again), and at most `capacity` are kept: when full, the one
/// idle longest gives way. A value type with time as a parameter, tested without sockets.
public struct ReflectorSessions: Sendable {
    /// What identifies a session.
    public struct Key: Sendable, Hashable {
        public var sender: STAMPEndpoint
        public var ssid: UInt16

        public init(sender: STAMPEndpoint, ssid: UInt16) {
            self.sender = sender
            self.ssid = ssid
        }
    }

    private struct Entry {
        var next: UInt32
        var lastSeen: Int64
    }

    /// Forget a session after this long without packets, nanoseconds.
    public let idleTimeout: Int64
    /// The most sessions kept at once.
    public let capacity: Int
    private var entries: [Key: Entry] = [:]

    /// Counters with the given limits (default: 5 minutes, 65,536 sessions).
    public init(idleTimeout: Int64 = 300_000_000_000, capacity: Int = 65_536) {
        self.idleTimeout = idleTimeout
        self.capacity = max(1, capacity)
    }

    /// Sessions currently kept.
    public var count: Int { self.entries.count }

    /// The reflector Sequence Number for the next packet of session `key` at time `now` (nanoseconds).
    public mutating func nextSequence(for key: Key, now: Int64) -> UInt32 {
        if var entry = self.entries[key], now - entry.lastSeen <= self.idleTimeout {
            let sequence = entry.next
            entry.next &+= 1
            entry.lastSeen = now
            self.entries[key] = entry
            return sequence
        }
        if self.entries[key] == nil && self.entries.count >= self.capacity {
            self.expire(now: now)
            if self.entries.count >= self.capacity,
                let oldest = self.entries.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key
            {
                self.entries[oldest] = nil
            }
        }
        self.entries[key] = Entry(next: 1, lastSeen: now)
        return 0
    }

    /// Forgets the sessions idle longer than `idleTimeout` at `now`.
    public mutating func expire(now: Int64) {
        self.entries = self.entries.filter { now - $0.value.lastSeen <= self.idleTimeout }
    }
}
