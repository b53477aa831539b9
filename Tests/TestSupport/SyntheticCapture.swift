import Foundation

/// A TCP connection of known shape, seen from a capture point between client and server.
///
/// Stop-and-wait request/response: handshake, `exchanges` × (request → response → ACK), then FIN/FIN-ACK/ACK.
/// Every RTT sample a correct analyser can take is exactly `serverSideRTT` (capture → server → capture) or
/// `clientSideRTT` (capture → client → capture). Requests in `lostRequests` are lost between the capture point
/// and the server: the capture sees them, the client retransmits after `retransmissionTimeout`.
public struct SyntheticTCPFlow: Sendable {
    public var client: String
    public var clientPort: UInt16
    public var server: String
    public var serverPort: UInt16
    /// Capture → client → capture, ms.
    public var clientSideRTT: Double
    /// Capture → server → capture, ms.
    public var serverSideRTT: Double
    /// When the SYN passes the capture point, seconds after the capture's start.
    public var start: Double
    public var exchanges: Int
    public var requestBytes: Int
    public var responseBytes: Int
    /// Whether both ends use TCP timestamps (else the analyser needs the seq/ack fallback).
    public var timestamps: Bool
    /// Indexes (0-based) of requests lost upstream of the capture point, each retransmitted once.
    public var lostRequests: Set<Int>
    /// Client's pause between an ACK and its next request, ms.
    public var thinkTime: Double
    /// Client's retransmission timeout, ms.
    public var retransmissionTimeout: Double

    public init(
        client: String, clientPort: UInt16, server: String, serverPort: UInt16, clientSideRTT: Double,
        serverSideRTT: Double,
        start: Double = 0, exchanges: Int = 20, requestBytes: Int = 200, responseBytes: Int = 1200,
        timestamps: Bool = true,
        lostRequests: Set<Int> = [], thinkTime: Double = 5, retransmissionTimeout: Double = 250
    ) {
        self.client = client
        self.clientPort = clientPort
        self.server = server
        self.serverPort = serverPort
        self.clientSideRTT = clientSideRTT
        self.serverSideRTT = serverSideRTT
        self.start = start
        self.exchanges = exchanges
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.timestamps = timestamps
        self.lostRequests = lostRequests
        self.thinkTime = thinkTime
        self.retransmissionTimeout = retransmissionTimeout
    }
}

/// An ICMP echo pinger of known shape: `count` requests every `interval`, replies after `rtt` except `lost`.
public struct SyntheticPinger: Sendable {
    public var source: String
    public var destination: String
    public var identifier: UInt16
    public var count: Int
    /// ms.
    public var interval: Double
    /// Capture → responder → capture, ms.
    public var rtt: Double
    /// Indexes (0-based) of requests that get no reply.
    public var lost: Set<Int>
    /// Seconds after the capture's start.
    public var start: Double

    public init(
        source: String, destination: String, identifier: UInt16, count: Int, interval: Double = 1000, rtt: Double,
        lost: Set<Int> = [], start: Double = 0
    ) {
        self.source = source
        self.destination = destination
        self.identifier = identifier
        self.count = count
        self.interval = interval
        self.rtt = rtt
        self.lost = lost
        self.start = start
    }
}

/// A deterministic gateway capture with known truth, written as an Ethernet pcap file.
public struct SyntheticCapture: Sendable {
    public var flows: [SyntheticTCPFlow]
    public var pingers: [SyntheticPinger]
    /// The capture's start, seconds since the epoch (default 2026-01-01T00:00:00Z).
    public var startEpoch: Int64

    public init(flows: [SyntheticTCPFlow] = [], pingers: [SyntheticPinger] = [], startEpoch: Int64 = 1_767_225_600) {
        self.flows = flows
        self.pingers = pingers
        self.startEpoch = startEpoch
    }

    /// One frame and when it passes the capture point (ns since the epoch).
    public struct Frame: Sendable {
        public var time: Int64
        public var bytes: [UInt8]
    }

    /// Every frame, in capture order.
    public func frames() -> [Frame] {
        var frames: [Frame] = []
        for (index, flow) in self.flows.enumerated() {
            Self.emit(flow, index: index, epoch: self.startEpoch, into: &frames)
        }
        for pinger in self.pingers {
            Self.emit(pinger, epoch: self.startEpoch, into: &frames)
        }
        frames.sort { $0.time < $1.time }
        return frames
    }

    /// Writes the capture to `path` (Ethernet, nanosecond pcap) and returns how many frames it holds.
    @discardableResult
    public func write(to path: String, snapshotLength: Int = 128) throws -> Int {
        let writer = try PcapFileWriter(path: path, snapshotLength: snapshotLength)
        for frame in self.frames() { try writer.append(timestamp: frame.time, frame: frame.bytes) }
        try writer.close()
        return writer.count
    }

    // MARK: - Frames

    static func ipv4(_ text: String) -> [UInt8] {
        let parts = text.split(separator: ".").compactMap { UInt8($0) }
        precondition(parts.count == 4, "not an IPv4 address: \(text)")
        return parts
    }

    static func ethernetIPv4(
        source: [UInt8], destination: [UInt8], protocolNumber: UInt8, identification: UInt16, payload: [UInt8],
        payloadPadding: Int
    ) -> [UInt8] {
        var frame: [UInt8] = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]
        let total = 20 + payload.count + payloadPadding
        frame += [
            0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), UInt8(identification >> 8), UInt8(identification & 0xFF),
            0x40, 0, 64, protocolNumber, 0, 0,
        ]
        frame += source
        frame += destination
        var sum: UInt32 = 0
        for i in stride(from: 14, to: 34, by: 2) { sum += UInt32(frame[i]) << 8 | UInt32(frame[i + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        frame[24] = UInt8(checksum >> 8)
        frame[25] = UInt8(checksum & 0xFF)
        frame += payload
        if payloadPadding > 0 { frame += [UInt8](repeating: 0x61, count: payloadPadding) }
        return frame
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private struct Host {
        var address: [UInt8]
        var port: UInt16
        var identification: UInt16
        var sequence: UInt32
        var timestampBase: UInt32
        /// Capture → host one-way delay, ns.
        var oneWay: Int64
        /// The latest TSval received from the peer (TS.Recent).
        var recent: UInt32 = 0
    }

    private static func tcp(
        from sender: inout Host, to receiver: inout Host, at time: Int64, flags: UInt8, payload: Int, ack: UInt32,
        timestamps: Bool, isSYN: Bool, sequence: UInt32? = nil, into frames: inout [Frame]
    ) {
        var header: [UInt8] = []
        header += [
            UInt8(sender.port >> 8), UInt8(sender.port & 0xFF), UInt8(receiver.port >> 8), UInt8(receiver.port & 0xFF),
        ]
        header += Self.be32(sequence ?? sender.sequence)
        header += Self.be32(flags & 0x10 != 0 ? ack : 0)
        var options: [UInt8] = []
        if isSYN { options += [2, 4, 0x05, 0xB4, 4, 2] }  // MSS 1460, SACK permitted
        if timestamps {
            // The sender's clock ticks every millisecond; it sent the packet `oneWay` before the capture saw it.
            let value = sender.timestampBase &+ UInt32(truncatingIfNeeded: (time - sender.oneWay) / 1_000_000)
            options += [1, 1, 8, 10] + Self.be32(value) + Self.be32(flags & 0x10 != 0 ? sender.recent : 0)
            receiver.recent = value
        }
        while options.count % 4 != 0 { options.append(0) }
        header += [UInt8((20 + options.count) / 4) << 4, flags, 0xFF, 0xFF, 0, 0, 0, 0]
        header += options
        sender.identification &+= 1
        let frame = Self.ethernetIPv4(
            source: sender.address, destination: receiver.address, protocolNumber: 6,
            identification: sender.identification,
            payload: header, payloadPadding: payload)
        frames.append(Frame(time: time, bytes: frame))
    }

    static func emit(_ flow: SyntheticTCPFlow, index: Int, epoch: Int64, into frames: inout [Frame]) {
        let c = Int64(flow.clientSideRTT * 1e6)
        let s = Int64(flow.serverSideRTT * 1e6)
        var client = Host(
            address: Self.ipv4(flow.client), port: flow.clientPort,
            identification: UInt16(truncatingIfNeeded: index * 7919),
            sequence: UInt32(truncatingIfNeeded: 1_000_000 &+ index &* 104_729),
            timestampBase: 5_000 &+ UInt32(index % 1000),
            oneWay: c / 2)
        var server = Host(
            address: Self.ipv4(flow.server), port: flow.serverPort,
            identification: UInt16(truncatingIfNeeded: index * 3571),
            sequence: UInt32(truncatingIfNeeded: 3_000_000_000 &+ index &* 15_485_863), timestampBase: 900_000,
            oneWay: s / 2)
        let ts = flow.timestamps
        let syn: UInt8 = 0x02, ack: UInt8 = 0x10, psh: UInt8 = 0x08, fin: UInt8 = 0x01
        var t = epoch * 1_000_000_000 + Int64(flow.start * 1e9)
        // Handshake.
        Self.tcp(
            from: &client, to: &server, at: t, flags: syn, payload: 0, ack: 0, timestamps: ts, isSYN: true,
            into: &frames)
        client.sequence &+= 1
        t += s
        Self.tcp(
            from: &server, to: &client, at: t, flags: syn | ack, payload: 0, ack: client.sequence, timestamps: ts,
            isSYN: true, into: &frames)
        server.sequence &+= 1
        t += c
        Self.tcp(
            from: &client, to: &server, at: t, flags: ack, payload: 0, ack: server.sequence, timestamps: ts,
            isSYN: false, into: &frames)
        let think = Int64(flow.thinkTime * 1e6)
        let rto = Int64(flow.retransmissionTimeout * 1e6)
        for exchange in 0..<flow.exchanges {
            t += think
            let requestSequence = client.sequence
            if flow.lostRequests.contains(exchange) {
                // Seen here, lost before the server: the server's TS.Recent must not move.
                let recent = server.recent
                Self.tcp(
                    from: &client, to: &server, at: t, flags: ack | psh, payload: flow.requestBytes,
                    ack: server.sequence, timestamps: ts, isSYN: false, into: &frames)
                server.recent = recent
                t += rto
            }
            Self.tcp(
                from: &client, to: &server, at: t, flags: ack | psh, payload: flow.requestBytes, ack: server.sequence,
                timestamps: ts, isSYN: false, sequence: requestSequence, into: &frames)
            client.sequence = requestSequence &+ UInt32(flow.requestBytes)
            t += s
            Self.tcp(
                from: &server, to: &client, at: t, flags: ack | psh, payload: flow.responseBytes, ack: client.sequence,
                timestamps: ts, isSYN: false, into: &frames)
            server.sequence &+= UInt32(flow.responseBytes)
            t += c
            Self.tcp(
                from: &client, to: &server, at: t, flags: ack, payload: 0, ack: server.sequence, timestamps: ts,
                isSYN: false, into: &frames)
        }
        // Close.
        t += think
        Self.tcp(
            from: &client, to: &server, at: t, flags: fin | ack, payload: 0, ack: server.sequence, timestamps: ts,
            isSYN: false, into: &frames)
        client.sequence &+= 1
        t += s
        Self.tcp(
            from: &server, to: &client, at: t, flags: fin | ack, payload: 0, ack: client.sequence, timestamps: ts,
            isSYN: false, into: &frames)
        server.sequence &+= 1
        t += c
        Self.tcp(
            from: &client, to: &server, at: t, flags: ack, payload: 0, ack: server.sequence, timestamps: ts,
            isSYN: false, into: &frames)
    }

    static func emit(_ pinger: SyntheticPinger, epoch: Int64, into frames: inout [Frame]) {
        let source = Self.ipv4(pinger.source)
        let destination = Self.ipv4(pinger.destination)
        let start = epoch * 1_000_000_000 + Int64(pinger.start * 1e9)
        for sequence in 0..<pinger.count {
            let t = start + Int64(Double(sequence) * pinger.interval * 1e6)
            func echo(_ type: UInt8) -> [UInt8] {
                var message: [UInt8] = [
                    type, 0, 0, 0, UInt8(pinger.identifier >> 8), UInt8(pinger.identifier & 0xFF), UInt8(sequence >> 8),
                    UInt8(sequence & 0xFF),
                ]
                message += [UInt8](repeating: 0x42, count: 56)
                var sum: UInt32 = 0
                for i in stride(from: 0, to: message.count, by: 2) {
                    sum += UInt32(message[i]) << 8 | UInt32(message[i + 1])
                }
                while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
                let checksum = ~UInt16(sum)
                message[2] = UInt8(checksum >> 8)
                message[3] = UInt8(checksum & 0xFF)
                return message
            }
            frames.append(
                Frame(
                    time: t,
                    bytes: Self.ethernetIPv4(
                        source: source, destination: destination, protocolNumber: 1,
                        identification: UInt16(truncatingIfNeeded: sequence * 2),
                        payload: echo(8), payloadPadding: 0)))
            if !pinger.lost.contains(sequence) {
                frames.append(
                    Frame(
                        time: t + Int64(pinger.rtt * 1e6),
                        bytes: Self.ethernetIPv4(
                            source: destination, destination: source, protocolNumber: 1,
                            identification: UInt16(truncatingIfNeeded: sequence * 2 + 1),
                            payload: echo(0), payloadPadding: 0)))
            }
        }
    }
}
