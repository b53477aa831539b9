import Foundation

/// One TCP flow in a report. RTT objects are null (not absent) when they have no samples.
public struct FlowReport: Sendable, Hashable, Encodable {
    public var client: String
    public var clientPort: UInt16
    public var server: String
    public var serverPort: UInt16
    public var packets: Int
    /// IP bytes in both directions.
    public var bytes: Int
    /// SYN → SYN-ACK as seen from the capture point (the server side), ms.
    public var handshakeRTTMilliseconds: Double?
    /// Capture point → server → capture point.
    public var serverRTT: RTTSummary?
    /// Capture point → client → capture point.
    public var clientRTT: RTTSummary?
    /// Data segments starting below the highest sequence already seen in their direction.
    public var retransmissions: Int
    /// Frames the capture saw twice (identical within 10 ms), skipped by the analysis.
    public var duplicates: Int
    /// Segments carrying data, both directions.
    public var dataSegments: Int
    /// How RTTs were sampled, nil when none were.
    public var rttMethod: RTTMethod?
    /// Whether client/server come from the handshake (else from the ports).
    public var rolesFromHandshake: Bool
    /// First packet, seconds since the epoch.
    public var firstSeen: Double
    /// Last packet, seconds since the epoch.
    public var lastSeen: Double

    enum CodingKeys: String, CodingKey {
        case client, clientPort = "client_port", server, serverPort = "server_port", packets, bytes
        case handshakeRTTMilliseconds = "handshake_rtt_ms", serverRTT = "server_rtt_ms", clientRTT = "client_rtt_ms"
        case retransmissions, duplicates, dataSegments = "data_segments", rttMethod = "rtt_method"
        case rolesFromHandshake = "roles_from_handshake", firstSeen = "first_seen", lastSeen = "last_seen"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.client, forKey: .client)
        try c.encode(self.clientPort, forKey: .clientPort)
        try c.encode(self.server, forKey: .server)
        try c.encode(self.serverPort, forKey: .serverPort)
        try c.encode(self.packets, forKey: .packets)
        try c.encode(self.bytes, forKey: .bytes)
        try c.encode(self.handshakeRTTMilliseconds, forKey: .handshakeRTTMilliseconds)
        try c.encode(self.serverRTT, forKey: .serverRTT)
        try c.encode(self.clientRTT, forKey: .clientRTT)
        try c.encode(self.retransmissions, forKey: .retransmissions)
        try c.encode(self.duplicates, forKey: .duplicates)
        try c.encode(self.dataSegments, forKey: .dataSegments)
        try c.encode(self.rttMethod, forKey: .rttMethod)
        try c.encode(self.rolesFromHandshake, forKey: .rolesFromHandshake)
        try c.encode(self.firstSeen, forKey: .firstSeen)
        try c.encode(self.lastSeen, forKey: .lastSeen)
    }
}

/// One pinger (requester, responder, identifier) in a report.
public struct ICMPEchoReport: Sendable, Hashable, Encodable {
    public var source: String
    public var destination: String
    public var identifier: UInt16
    /// "icmp" or "icmpv6".
    public var protocolName: String
    public var sent: Int
    /// Replies within the timeout.
    public var received: Int
    /// Requests not answered within the timeout (at the end of a file: not answered at all).
    public var lost: Int
    /// Replies matching no waiting request (duplicates, or requests before the capture began).
    public var unmatchedReplies: Int
    public var rtt: RTTSummary?

    enum CodingKeys: String, CodingKey {
        case source, destination, identifier, protocolName = "protocol", sent, received, lost
        case unmatchedReplies = "unmatched_replies", rtt = "rtt_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.source, forKey: .source)
        try c.encode(self.destination, forKey: .destination)
        try c.encode(self.identifier, forKey: .identifier)
        try c.encode(self.protocolName, forKey: .protocolName)
        try c.encode(self.sent, forKey: .sent)
        try c.encode(self.received, forKey: .received)
        try c.encode(self.lost, forKey: .lost)
        try c.encode(self.unmatchedReplies, forKey: .unmatchedReplies)
        try c.encode(self.rtt, forKey: .rtt)
    }
}

/// Traffic to and from one site in an interval.
public struct SiteReport: Sendable, Hashable, Encodable {
    public var site: String
    /// TCP flows that began in the interval with an endpoint at the site.
    public var flows: Int
    public var packets: Int
    /// IP bytes.
    public var bytes: Int
    public var dataSegments: Int
    public var retransmissions: Int
    /// retransmissions / data segments: the passive loss estimate; null without data.
    public var retransmissionRatio: Double?
    /// TCP RTTs towards the site: server-side samples where the site is the server, client-side where the client.
    public var rtt: RTTSummary?
    public var icmpSent: Int
    public var icmpReceived: Int
    public var icmpRTT: RTTSummary?
    /// The TCP samples behind `rtt` and the ICMP ones behind `icmpRTT` (not encoded; for the probe daemon's
    /// passive rounds).
    public var rttSamples = SampleSeries()
    public var icmpRTTSamples = SampleSeries()

    enum CodingKeys: String, CodingKey {
        case site, flows, packets, bytes, dataSegments = "data_segments", retransmissions
        case retransmissionRatio = "retransmission_ratio", rtt = "rtt_ms"
        case icmpSent = "icmp_sent", icmpReceived = "icmp_received", icmpRTT = "icmp_rtt_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.site, forKey: .site)
        try c.encode(self.flows, forKey: .flows)
        try c.encode(self.packets, forKey: .packets)
        try c.encode(self.bytes, forKey: .bytes)
        try c.encode(self.dataSegments, forKey: .dataSegments)
        try c.encode(self.retransmissions, forKey: .retransmissions)
        try c.encode(self.retransmissionRatio, forKey: .retransmissionRatio)
        try c.encode(self.rtt, forKey: .rtt)
        try c.encode(self.icmpSent, forKey: .icmpSent)
        try c.encode(self.icmpReceived, forKey: .icmpReceived)
        try c.encode(self.icmpRTT, forKey: .icmpRTT)
    }
}

/// A malformed packet, by its number in the capture (1-based, like tshark's frame number).
public struct MalformedExample: Sendable, Hashable, Encodable {
    public var packet: Int
    public var reason: String
}

/// libpcap's counters for a live capture (`pcap_stats`), for the interval and since the start.
public struct CaptureDrops: Sendable, Hashable, Encodable {
    /// Packets the kernel passed to the capture.
    public var received: UInt64
    /// Packets dropped because the capture buffer was full.
    public var dropped: UInt64
    /// Packets the interface or driver dropped.
    public var interfaceDropped: UInt64

    enum CodingKeys: String, CodingKey {
        case received, dropped, interfaceDropped = "interface_dropped"
    }
}

/// What passive analysis found: totals, flows, pingers and sites.
public struct CaptureReport: Sendable, Hashable, Encodable {
    /// Frames read.
    public var packets: Int
    /// Frames that were truncated or impossible, skipped.
    public var malformed: Int
    /// Frames that were not IP (ARP, …).
    public var notIP: Int
    /// TCP packets of flows the full flow table could not take.
    public var untrackedPackets: Int
    /// The first malformed packets, with reasons.
    public var malformedExamples: [MalformedExample]
    /// Time of the first and last packet of the interval, RFC 3339 UTC; nil without packets.
    public var start: String?
    public var end: String?
    /// For live captures: libpcap's counters in this interval and since the start.
    public var drops: CaptureDrops?
    public var totalDrops: CaptureDrops?
    public var flows: [FlowReport]
    public var icmp: [ICMPEchoReport]
    public var sites: [SiteReport]

    enum CodingKeys: String, CodingKey {
        case packets, malformed, notIP = "not_ip", untrackedPackets = "untracked_packets"
        case malformedExamples = "malformed_examples", start, end, drops = "capture_drops"
        case totalDrops = "capture_drops_total", flows, icmp, sites
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.packets, forKey: .packets)
        try c.encode(self.malformed, forKey: .malformed)
        try c.encode(self.notIP, forKey: .notIP)
        try c.encode(self.untrackedPackets, forKey: .untrackedPackets)
        try c.encode(self.malformedExamples, forKey: .malformedExamples)
        try c.encode(self.start, forKey: .start)
        try c.encode(self.end, forKey: .end)
        if self.drops != nil || self.totalDrops != nil {
            try c.encode(self.drops, forKey: .drops)
            try c.encode(self.totalDrops, forKey: .totalDrops)
        }
        try c.encode(self.flows, forKey: .flows)
        try c.encode(self.icmp, forKey: .icmp)
        try c.encode(self.sites, forKey: .sites)
    }

    /// Formats a capture timestamp (ns since the epoch) as RFC 3339 UTC with microseconds.
    static func rfc3339(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let micros = (nanoseconds % 1_000_000_000) / 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(micros))
    }
}
