import NetworkAddress

/// Which side of the capture point an RTT sample measures.
public enum RTTSide: Sendable, Hashable {
    /// Capture point → server → capture point.
    case server
    /// Capture point → client → capture point.
    case client
}

/// How a TCP flow's RTT samples were taken.
public enum RTTMethod: String, Sendable, Hashable, Codable {
    /// TCP timestamps, pping's way.
    case timestamps
    /// Sequence/acknowledgement matching, with Karn's rule.
    case sequenceAcknowledgement = "seq_ack"
}

/// What one TCP packet contributed, for the per-site rollups.
struct TCPPacketOutcome {
    var sample: (side: RTTSide, nanoseconds: Int64)?
    var isRetransmission = false
    var isDataSegment = false
    var isDuplicate = false
    /// The flow's sites, copied out so the caller need not read the (large) flow state.
    var serverSite: Int32 = -1
    var clientSite: Int32 = -1
}

/// Everything the flow table keeps about one TCP connection.
struct TCPFlowState {
    var client: IPAddress
    var clientPort: UInt16
    var server: IPAddress
    var serverPort: UInt16
    /// Whether the client is the flow key's low endpoint.
    var clientIsLow: Bool
    /// Whether the roles come from a SYN or SYN-ACK rather than from the ports.
    var rolesFromHandshake: Bool
    var firstSeen: Int64
    var lastSeen: Int64
    var packets = 0
    var bytes = 0
    var lastSYN: Int64?
    /// The client's SYN sequence number, to tell a new connection on the same ports from a retransmitted SYN.
    var clientInitialSequence: UInt32?
    var handshakeRTT: Int64?
    var toServer = TCPDirectionState()
    var toClient = TCPDirectionState()
    var serverRTT = SampleSeries()
    var clientRTT = SampleSeries()
    var retransmissions = 0
    /// Frames identical to the one before in their direction (same IP ID, sequence, ACK, flags, window) within
    /// 10 ms: the capture saw one packet twice. Skipped, not retransmissions.
    var duplicates = 0
    var dataSegments = 0
    var sawTimestamps = false
    var sawSequenceSamples = false
    var serverSite: Int32 = -1
    var clientSite: Int32 = -1

    /// A flow opened by its first packet; roles from SYN / SYN-ACK, else the well-known port.
    init(first tcp: TCPHeader, source: IPAddress, destination: IPAddress, fromLow: Bool, at time: Int64) {
        let senderIsClient: Bool
        if tcp.flags.contains(.syn) {
            senderIsClient = !tcp.flags.contains(.ack)
            self.rolesFromHandshake = true
        } else {
            senderIsClient = Self.isClientPort(tcp.sourcePort, comparedWith: tcp.destinationPort)
            self.rolesFromHandshake = false
        }
        if senderIsClient {
            (self.client, self.clientPort, self.server, self.serverPort) = (
                source, tcp.sourcePort, destination, tcp.destinationPort
            )
        } else {
            (self.client, self.clientPort, self.server, self.serverPort) = (
                destination, tcp.destinationPort, source, tcp.sourcePort
            )
        }
        self.clientIsLow = senderIsClient == fromLow
        self.firstSeen = time
        self.lastSeen = time
    }

    /// An empty slot of the flow table (holds no memory).
    static var vacant: TCPFlowState { TCPFlowState() }

    private init() {
        let nobody = IPAddress(ipv4: 0)
        (self.client, self.clientPort, self.server, self.serverPort) = (nobody, 0, nobody, 0)
        self.clientIsLow = true
        self.rolesFromHandshake = false
        self.firstSeen = 0
        self.lastSeen = 0
    }

    /// Without a handshake: a port below 1024 facing one above is the server; otherwise the lower port is.
    static func isClientPort(_ port: UInt16, comparedWith other: UInt16) -> Bool {
        if (port < 1024) != (other < 1024) { return other < 1024 }
        return port > other
    }

    var rttMethod: RTTMethod? {
        if self.sawTimestamps { return .timestamps }
        return self.sawSequenceSamples ? .sequenceAcknowledgement : nil
    }

    /// Runs `body` on the state of the direction the packet travels in.
    @inline(__always)
    private mutating func withDirection<R>(_ fromClient: Bool, _ body: (inout TCPDirectionState) -> R) -> R {
        fromClient ? body(&self.toServer) : body(&self.toClient)
    }

    /// Processes one packet of this flow.
    mutating func process(
        _ tcp: TCPHeader, ipLength: Int, identification: UInt16, fromLow: Bool, at time: Int64
    ) -> TCPPacketOutcome {
        let fromClient = fromLow == self.clientIsLow
        self.packets += 1
        self.bytes += ipLength
        if time > self.lastSeen { self.lastSeen = time }
        var outcome = TCPPacketOutcome()
        outcome.serverSite = self.serverSite
        outcome.clientSite = self.clientSite
        let flags = tcp.flags

        let signature = TCPDirectionState.Signature(
            sequence: tcp.sequenceNumber, acknowledgement: tcp.acknowledgementNumber, payload: tcp.payloadLength,
            flags: flags.rawValue, window: tcp.window, identification: identification)
        let isDuplicate = self.withDirection(fromClient) { direction -> Bool in
            let duplicate =
                direction.previous == signature && time &- direction.previousTime <= TCPDirectionState.duplicateWindow
            direction.previous = signature
            direction.previousTime = time
            return duplicate
        }
        if isDuplicate {
            self.duplicates += 1
            outcome.isDuplicate = true
            return outcome
        }

        // Handshake: the last SYN before the first SYN-ACK.
        if flags.contains(.syn) {
            if fromClient && !flags.contains(.ack) {
                if self.handshakeRTT == nil { self.lastSYN = time }
                if self.clientInitialSequence == nil { self.clientInitialSequence = tcp.sequenceNumber }
            } else if !fromClient && flags.contains(.ack), self.handshakeRTT == nil, let syn = self.lastSYN, time >= syn
            {
                self.handshakeRTT = time - syn
            }
        }

        let payload = tcp.payloadLength
        let sequenceLength =
            UInt32(truncatingIfNeeded: payload) &+ (flags.contains(.syn) ? 1 : 0) &+ (flags.contains(.fin) ? 1 : 0)
        let sequence = tcp.sequenceNumber
        let end = sequence &+ sequenceLength
        var isBelowHighest = false
        if !flags.contains(.rst) {
            let isRetransmission = self.withDirection(fromClient) { direction -> Bool in
                var isRetransmission = false
                if direction.hasSequence {
                    isBelowHighest = sequenceLength > 0 && SequenceArithmetic.isBefore(sequence, direction.nextSequence)
                    // A keep-alive re-sends the last byte (or nothing) on purpose: not a retransmission.
                    let isKeepAlive = payload <= 1 && sequence == direction.nextSequence &- 1
                    isRetransmission = payload > 0 && isBelowHighest && !isKeepAlive
                    if SequenceArithmetic.isBefore(direction.nextSequence, end) { direction.nextSequence = end }
                } else {
                    direction.hasSequence = true
                    direction.nextSequence = end
                }
                return isRetransmission
            }
            if payload > 0 {
                outcome.isDataSegment = true
                self.dataSegments += 1
            }
            if isRetransmission {
                outcome.isRetransmission = true
                self.retransmissions += 1
            }
        }

        if let timestamp = tcp.options.timestamp {
            if !self.sawTimestamps {
                self.sawTimestamps = true
                self.toServer.pendingSegments.removeAll()
                self.toClient.pendingSegments.removeAll()
            }
            // pping: record the time a TSval is first seen (on any packet, pure ACKs too, as pping does); its
            // first echo as TSecr in the other direction is a sample of the echoing side.
            if fromClient {
                self.toServer.recordTimestamp(timestamp.value, at: time)
            } else {
                self.toClient.recordTimestamp(timestamp.value, at: time)
            }
            if flags.contains(.ack) && timestamp.echoReply != 0 {
                let sample =
                    fromClient
                    ? self.toClient.matchEcho(timestamp.echoReply, at: time)
                    : self.toServer.matchEcho(timestamp.echoReply, at: time)
                if let sample { outcome.sample = (fromClient ? .client : .server, sample) }
            }
        } else if !self.sawTimestamps && !flags.contains(.rst) {
            // Sequence/ack fallback: a segment's ACK that ends exactly at it, never from retransmitted data (Karn).
            if sequenceLength > 0 {
                if isBelowHighest {
                    if fromClient {
                        self.toServer.markAmbiguous(start: sequence, end: end)
                    } else {
                        self.toClient.markAmbiguous(start: sequence, end: end)
                    }
                } else {
                    let segment = TCPDirectionState.PendingSegment(
                        start: sequence, end: end, time: time, isAmbiguous: false)
                    if fromClient {
                        self.toServer.pendingSegments.append(segment)
                    } else {
                        self.toClient.pendingSegments.append(segment)
                    }
                }
            }
            if flags.contains(.ack) {
                let ack = tcp.acknowledgementNumber
                let previous = fromClient ? self.toServer.highestAcknowledgement : self.toClient.highestAcknowledgement
                if previous == nil || SequenceArithmetic.isBefore(previous!, ack) {
                    if fromClient {
                        self.toServer.highestAcknowledgement = ack
                    } else {
                        self.toClient.highestAcknowledgement = ack
                    }
                    let sample =
                        fromClient ? self.toClient.acknowledge(ack, at: time) : self.toServer.acknowledge(ack, at: time)
                    if let sample {
                        self.sawSequenceSamples = true
                        outcome.sample = (fromClient ? .client : .server, sample)
                    }
                }
            }
        }
        if let sample = outcome.sample {
            switch sample.side {
            case .server: self.serverRTT.add(sample.nanoseconds)
            case .client: self.clientRTT.add(sample.nanoseconds)
            }
        }
        return outcome
    }
}
