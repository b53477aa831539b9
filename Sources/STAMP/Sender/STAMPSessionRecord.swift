/// Everything one sender session saw, in nanoseconds since the epoch: the input of `STAMPSessionMetrics`.
/// A value with no I/O, so the metrics are tested on records made by hand.
public struct STAMPSessionRecord: Sendable, Hashable {
    /// One Session-Reflector test packet that came back, duplicates included.
    public struct Reply: Sendable, Hashable {
        /// The sender's Sequence Number it echoes.
        public var senderSequence: UInt32
        /// The reflector's Sequence Number.
        public var reflectorSequence: UInt32
        /// T2: the reflector received the test packet.
        public var reflectorReceiveTime: Int64
        /// T3: the reflector sent this packet.
        public var reflectorSendTime: Int64
        /// T4: this host received it (kernel timestamp).
        public var receiveTime: Int64
        /// The reflector's Error Estimate.
        public var reflectorErrorEstimate: ErrorEstimate
        /// TTL or hop limit of the test packet at the reflector (255: unknown).
        public var senderTTL: UInt8

        public init(
            senderSequence: UInt32, reflectorSequence: UInt32, reflectorReceiveTime: Int64,
            reflectorSendTime: Int64, receiveTime: Int64, reflectorErrorEstimate: ErrorEstimate, senderTTL: UInt8
        ) {
            self.senderSequence = senderSequence
            self.reflectorSequence = reflectorSequence
            self.reflectorReceiveTime = reflectorReceiveTime
            self.reflectorSendTime = reflectorSendTime
            self.receiveTime = receiveTime
            self.reflectorErrorEstimate = reflectorErrorEstimate
            self.senderTTL = senderTTL
        }
    }

    /// T1 of each packet by Sequence Number; nil where the send failed (the packet counts as lost).
    public var sendTimes: [Int64?]
    /// The Error Estimate this host sent.
    public var senderErrorEstimate: ErrorEstimate
    /// The replies in the order they arrived.
    public var replies: [Reply]
    /// A reply is on time when it arrives within this many nanoseconds of its T1 (RFC 7680's wait time).
    public var timeout: Int64
    /// Send and receive errors by message ("port unreachable", "No buffer space available"…).
    public var errors: [String: Int]
    /// Datagrams that were not this session's replies (wrong size, wrong HMAC, unknown sequence or timestamp).
    public var foreign: Int

    public init(
        sendTimes: [Int64?], senderErrorEstimate: ErrorEstimate, replies: [Reply], timeout: Int64,
        errors: [String: Int] = [:], foreign: Int = 0
    ) {
        self.sendTimes = sendTimes
        self.senderErrorEstimate = senderErrorEstimate
        self.replies = replies
        self.timeout = timeout
        self.errors = errors
        self.foreign = foreign
    }
}
