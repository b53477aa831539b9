import NetworkAddress

/// Identifies one pinger: who asks whom, with which echo identifier.
struct ICMPEchoKey: Hashable {
    var requester: IPAddress
    var responder: IPAddress
    var identifier: UInt16
    var isICMPv6: Bool
}

/// Requests, replies and RTTs of one pinger.
struct ICMPEchoState {
    var firstSeen: Int64
    var lastSeen: Int64
    var sent = 0
    var received = 0
    /// Requests not answered within the timeout.
    var lost = 0
    var unmatchedReplies = 0
    /// Request time per sequence number (the 16 bits as on the wire: byte order does not matter for matching).
    var pending: [UInt16: Int64] = [:]
    var rtt = SampleSeries()
}

/// What one ICMP packet contributed, for the per-site rollups.
struct ICMPPacketOutcome {
    var isRequest = false
    var sample: Int64?
}

/// Matches echo replies to requests per (requester, responder, identifier).
struct ICMPEchoTracker {
    /// How long a request waits for its reply before it counts as lost.
    let timeout: Int64
    private(set) var states: [ICMPEchoKey: ICMPEchoState] = [:]

    init(timeout: Int64) {
        self.timeout = timeout
    }

    mutating func process(
        _ icmp: ICMPPacketHeader, source: IPAddress, destination: IPAddress, at time: Int64
    ) -> ICMPPacketOutcome {
        var outcome = ICMPPacketOutcome()
        if icmp.isEchoRequest {
            let key = ICMPEchoKey(
                requester: source, responder: destination, identifier: icmp.identifier, isICMPv6: icmp.isICMPv6)
            outcome.isRequest = true
            if self.states[key] == nil {
                self.states[key] = ICMPEchoState(firstSeen: time, lastSeen: time)
            }
            self.states[key]!.sent += 1
            self.states[key]!.lastSeen = time
            if self.states[key]!.pending.updateValue(time, forKey: icmp.sequenceNumber) != nil {
                self.states[key]!.lost += 1  // the same sequence asked again: the first one went unanswered
            }
        } else if icmp.isEchoReply {
            let key = ICMPEchoKey(
                requester: destination, responder: source, identifier: icmp.identifier, isICMPv6: icmp.isICMPv6)
            guard self.states[key] != nil else { return outcome }
            self.states[key]!.lastSeen = time
            if let sent = self.states[key]!.pending.removeValue(forKey: icmp.sequenceNumber) {
                let rtt = time - sent
                if rtt >= 0 && rtt <= self.timeout {
                    self.states[key]!.received += 1
                    self.states[key]!.rtt.add(rtt)
                    outcome.sample = rtt
                } else {
                    self.states[key]!.lost += 1  // too late counts as lost (RFC 7680)
                }
            } else {
                self.states[key]!.unmatchedReplies += 1
            }
        }
        return outcome
    }

    /// Counts requests older than the timeout as lost. With `all`, every waiting request (the capture ended).
    mutating func expire(now: Int64, all: Bool = false) {
        for key in self.states.keys {
            guard !self.states[key]!.pending.isEmpty else { continue }
            let before = self.states[key]!.pending.count
            if all {
                self.states[key]!.pending.removeAll()
            } else {
                self.states[key]!.pending = self.states[key]!.pending.filter { now - $0.value <= self.timeout }
            }
            self.states[key]!.lost += before - self.states[key]!.pending.count
        }
    }

    /// Removes and returns the pingers last active before `cutoff` with nothing waiting.
    mutating func removeIdle(before cutoff: Int64) -> [(key: ICMPEchoKey, value: ICMPEchoState)] {
        let idle = self.states.filter { $0.value.pending.isEmpty && $0.value.lastSeen < cutoff }
        for (key, _) in idle { self.states.removeValue(forKey: key) }
        return idle.map { ($0.key, $0.value) }
    }
}
