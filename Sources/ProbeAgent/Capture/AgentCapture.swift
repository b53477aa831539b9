import NetworkAddress

/// The gateway's passive capture, from sites.yaml's `capture` block: where and how to capture, and which remote
/// sites the per-step passive rounds are made for.
public struct AgentCapture: Sendable, Hashable {
    /// A remote site of the passive rounds: a name and the prefix whose traffic counts for it.
    public struct RemoteSite: Sendable, Hashable {
        /// The site's name (a target or service name, `datacenter`, or a commune code).
        public var name: String
        /// A host prefix or a wider network, e.g. `10.33.0.10/32` or `10.33.0.0/24`.
        public var prefix: IPNetwork

        public init(name: String, prefix: IPNetwork) {
            self.name = name
            self.prefix = prefix
        }

        /// The `address` of its passive rounds: the address alone for a host prefix (`10.33.0.10`), else the
        /// network (`10.33.0.0/24`).
        public var roundAddress: String {
            self.prefix.isHost ? self.prefix.address.description : self.prefix.description
        }

        /// The `target` of its passive rounds: `passive:<name>`, apart from the active targets' names.
        public var roundTarget: String { "passive:\(self.name)" }
    }

    /// The interface (`eth1`, `any`, …).
    public var interface: String
    /// A BPF filter, or nil for every packet.
    public var filter: String?
    /// Bytes kept per packet.
    public var snapshotLength: Int
    /// The kernel capture buffer in bytes.
    public var bufferBytes: Int
    /// Remote sites, most specific first is not required: the longest prefix wins.
    public var remoteSites: [RemoteSite]

    public init(interface: String, filter: String?, snapshotLength: Int, bufferBytes: Int, remoteSites: [RemoteSite]) {
        self.interface = interface
        self.filter = filter
        self.snapshotLength = snapshotLength
        self.bufferBytes = bufferBytes
        self.remoteSites = remoteSites
    }
}
