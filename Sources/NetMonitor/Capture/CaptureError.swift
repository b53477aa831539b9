/// An error of the capture layer: a code to branch on, a sentence to show, and where it happened.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable code (new codes may be added).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case cannotOpenFile, corruptFile, unsupportedLinkType, permissionDenied, noSuchDevice, interfaceDown
            case activationFailed, badFilter, captureFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file is missing, unreadable, or not a pcap/pcapng file.
        public static let cannotOpenFile = Code(.cannotOpenFile)
        /// The file broke off or holds an impossible record after some packets were read.
        public static let corruptFile = Code(.corruptFile)
        /// The link type has no decoder.
        public static let unsupportedLinkType = Code(.unsupportedLinkType)
        /// Live capture without CAP_NET_RAW / CAP_NET_ADMIN.
        public static let permissionDenied = Code(.permissionDenied)
        /// The interface does not exist.
        public static let noSuchDevice = Code(.noSuchDevice)
        /// The interface is down.
        public static let interfaceDown = Code(.interfaceDown)
        /// `pcap_activate` or a setting before it failed.
        public static let activationFailed = Code(.activationFailed)
        /// The BPF filter does not compile or cannot be set.
        public static let badFilter = Code(.badFilter)
        /// Reading packets failed mid-capture.
        public static let captureFailed = Code(.captureFailed)

        public var description: String { self.value.rawValue }
    }

    /// The code.
    public var code: Code
    /// What happened and what to do, as one sentence.
    public var message: String
    /// The file or interface.
    public var source: String
    /// The number of the packet being read when it happened (1-based), if any.
    public var packetNumber: Int?

    /// A capture error.
    public init(_ code: Code, _ message: String, source: String, packetNumber: Int? = nil) {
        self.code = code
        self.message = message
        self.source = source
        self.packetNumber = packetNumber
    }

    public var description: String {
        if let packetNumber = self.packetNumber {
            return "\(self.source): packet \(packetNumber): \(self.message)"
        }
        return "\(self.source): \(self.message)"
    }
}
