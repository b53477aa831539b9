import NetworkAddress

/// The measurement engine behind `netmon analyze` and `netmon capture`: decodes frames, keeps the bounded flow
/// table and the ICMP echo tracker, and rolls results up per site.
///
/// A value owned by one thread (the capture thread); it only crosses threads as a finished `CaptureReport`.
public struct PassiveAnalyzer {
    /// How many malformed packets are kept as examples.
    public static let malformedExampleLimit = 10

    public let configuration: AnalyzerConfiguration
    public let linkType: LinkType

    private var flowIndex = FlowTable()
    private var flowSlots: [TCPFlowState] = []
    private var freeSlots: [Int] = []
    private var finishedFlows: [FlowReport] = []
    private var finishedPingers: [ICMPEchoReport] = []
    private var icmp: ICMPEchoTracker
    private var intervalSites: [SiteAccumulator]
    private var totalSites: [SiteAccumulator]
    private var siteCache: [IPAddress: Int32] = [:]
    private let idleTimeout: Int64
    private var lastEviction: Int64?

    private var totals = Counters()
    private var interval = Counters()

    struct Counters {
        var packets = 0
        var malformed = 0
        var notIP = 0
        var untracked = 0
        var examples: [MalformedExample] = []
        var first: Int64?
        var last: Int64?
    }

    /// An analyzer for frames of `linkType`.
    public init(configuration: AnalyzerConfiguration = .init(), linkType: LinkType) {
        self.configuration = configuration
        self.linkType = linkType
        self.icmp = ICMPEchoTracker(timeout: configuration.icmpTimeout.nanoseconds)
        self.intervalSites = Array(repeating: SiteAccumulator(), count: configuration.sites.sites.count)
        self.totalSites = self.intervalSites
        self.idleTimeout = configuration.flowIdleTimeout.nanoseconds
    }

    /// Frames seen so far.
    public var packetCount: Int { self.totals.packets }
    /// Malformed frames so far.
    public var malformedCount: Int { self.totals.malformed }
    /// TCP flows currently in the table.
    public var activeFlowCount: Int { self.flowIndex.count }

    /// Analyses one frame: `bytes` are the captured bytes, `wireLength` the frame's length on the wire,
    /// `timestamp` nanoseconds since the epoch.
    public mutating func ingest(timestamp: Int64, wireLength: Int, bytes: UnsafeRawBufferPointer) {
        self.totals.packets += 1
        self.interval.packets += 1
        if self.interval.first == nil { self.interval.first = timestamp }
        if self.totals.first == nil { self.totals.first = timestamp }
        self.interval.last = timestamp
        self.totals.last = timestamp
        if let last = self.lastEviction {
            if timestamp &- last >= 1_000_000_000 {
                self.evictIdleFlows(now: timestamp)
                self.icmp.expire(now: timestamp)
                self.lastEviction = timestamp
            }
        } else {
            self.lastEviction = timestamp
        }
        let packetBytes = PacketBytes(bytes)
        var network = NetworkHeader()
        let stop = PacketDecoder.decodeNetwork(
            packetBytes, wireLength: wireLength, linkType: self.linkType, into: &network)
        if stop == nil && network.protocolNumber == 6 && !network.isFragment {
            // TCP, the bulk of the traffic: the header is decoded into a local value and handed on by reference.
            var tcp = TCPHeader.empty
            if let problem = TCPHeader.decode(
                packetBytes, at: network.transportOffset, segmentLength: network.transportLength, into: &tcp)
            {
                self.countMalformed(problem)
            } else {
                self.ingestTCP(tcp, network: network, at: timestamp)
            }
            return
        }
        let result: PacketDecodeResult
        if let stop {
            result = stop
        } else {
            var packet = DecodedPacket(
                ipVersion: network.ipVersion, source: network.source, destination: network.destination,
                ipLength: network.ipLength,
                identification: network.identification, transport: .fragment(protocolNumber: network.protocolNumber))
            if !network.isFragment {
                switch PacketDecoder.decodeOtherTransport(packetBytes, network) {
                case .success(let transport): packet.transport = transport
                case .failure(let problem):
                    self.countMalformed(problem)
                    return
                }
            }
            result = .ip(packet)
        }
        switch result {
        case .notIP:
            self.totals.notIP += 1
            self.interval.notIP += 1
        case .malformed(let problem):
            self.countMalformed(problem)
        case .ip(let packet):
            self.ingest(packet, at: timestamp)
        }
    }

    private mutating func countMalformed(_ problem: MalformedPacket) {
        self.totals.malformed += 1
        self.interval.malformed += 1
        if self.totals.examples.count < Self.malformedExampleLimit {
            self.totals.examples.append(MalformedExample(packet: self.totals.packets, reason: problem.description))
        }
        if self.interval.examples.count < Self.malformedExampleLimit {
            self.interval.examples.append(MalformedExample(packet: self.totals.packets, reason: problem.description))
        }
    }

    private mutating func ingest(_ packet: DecodedPacket, at time: Int64) {
        switch packet.transport {
        case .tcp(let tcp):
            let network = NetworkHeader(
                ipVersion: packet.ipVersion, source: packet.source, destination: packet.destination,
                ipLength: packet.ipLength,
                identification: packet.identification, protocolNumber: 6)
            self.ingestTCP(tcp, network: network, at: time)
        case .icmp(let message):
            let sourceSite = self.site(of: packet.source)
            let destinationSite = self.site(of: packet.destination)
            let outcome = self.icmp.process(message, source: packet.source, destination: packet.destination, at: time)
            self.countPacket(sites: sourceSite, destinationSite, bytes: packet.ipLength)
            if outcome.isRequest, destinationSite >= 0 {
                self.intervalSites[Int(destinationSite)].icmpSent += 1
                self.totalSites[Int(destinationSite)].icmpSent += 1
            }
            if let rtt = outcome.sample, sourceSite >= 0 {
                self.intervalSites[Int(sourceSite)].icmpReceived += 1
                self.totalSites[Int(sourceSite)].icmpReceived += 1
                self.intervalSites[Int(sourceSite)].icmpRTT.add(rtt)
                self.totalSites[Int(sourceSite)].icmpRTT.add(rtt)
            }
        default:
            if !self.configuration.sites.isEmpty {
                self.countPacket(
                    sites: self.site(of: packet.source), self.site(of: packet.destination), bytes: packet.ipLength)
            }
        }
    }

    private mutating func ingestTCP(_ tcp: TCPHeader, network packet: NetworkHeader, at time: Int64) {
        let (key, fromLow) = FlowKey.make(
            source: packet.source, sourcePort: tcp.sourcePort, destination: packet.destination,
            destinationPort: tcp.destinationPort)
        var existing = self.flowIndex.slot(of: key)
        if let known = existing, tcp.flags.contains(.syn), !tcp.flags.contains(.ack),
            let initial = self.flowSlots[known].clientInitialSequence, initial != tcp.sequenceNumber
        {
            // A new connection on the same four-tuple (a reused port): report the old one, start afresh.
            self.finishedFlows.append(Self.report(self.flowSlots[known]))
            self.flowSlots[known] = .vacant
            self.freeSlots.append(known)
            self.flowIndex.remove(key)
            existing = nil
        }
        let slot: Int
        if let known = existing {
            slot = known
        } else {
            if self.flowIndex.count >= self.configuration.maximumFlows {
                if time &- (self.lastEviction ?? .min / 2) >= 1_000_000_000 / 10 {
                    self.evictIdleFlows(now: time)
                    self.lastEviction = time
                }
                guard self.flowIndex.count < self.configuration.maximumFlows else {
                    self.totals.untracked += 1
                    self.interval.untracked += 1
                    return
                }
            }
            var flow = TCPFlowState(
                first: tcp, source: packet.source, destination: packet.destination, fromLow: fromLow, at: time)
            flow.serverSite = self.site(of: flow.server)
            flow.clientSite = self.site(of: flow.client)
            Self.forEachDistinct(flow.serverSite, flow.clientSite) { site in
                self.intervalSites[site].flows += 1
                self.totalSites[site].flows += 1
            }
            if let free = self.freeSlots.popLast() {
                slot = free
                self.flowSlots[slot] = flow
            } else {
                slot = self.flowSlots.count
                self.flowSlots.append(flow)
            }
            self.flowIndex.insert(key, slot: slot)
        }
        let outcome = self.flowSlots[slot].process(
            tcp, ipLength: packet.ipLength, identification: packet.identification, fromLow: fromLow, at: time)
        let serverSite = outcome.serverSite
        let clientSite = outcome.clientSite
        guard serverSite >= 0 || clientSite >= 0 else { return }
        self.countPacket(sites: serverSite, clientSite, bytes: packet.ipLength)
        Self.forEachDistinct(serverSite, clientSite) { index in
            if outcome.isDataSegment {
                self.intervalSites[index].dataSegments += 1
                self.totalSites[index].dataSegments += 1
            }
            if outcome.isRetransmission {
                self.intervalSites[index].retransmissions += 1
                self.totalSites[index].retransmissions += 1
            }
        }
        if let sample = outcome.sample {
            let site = sample.side == .server ? serverSite : clientSite
            if site >= 0 {
                self.intervalSites[Int(site)].rtt.add(sample.nanoseconds)
                self.totalSites[Int(site)].rtt.add(sample.nanoseconds)
            }
        }
    }

    /// Calls `body` with each of the site indexes `a` and `b` that is a site (≥ 0), once if they are equal.
    @inline(__always)
    private static func forEachDistinct(_ a: Int32, _ b: Int32, _ body: (Int) -> Void) {
        if a >= 0 { body(Int(a)) }
        if b >= 0 && b != a { body(Int(b)) }
    }

    private mutating func countPacket(sites a: Int32, _ b: Int32, bytes: Int) {
        Self.forEachDistinct(a, b) { site in
            self.intervalSites[site].packets += 1
            self.intervalSites[site].bytes += bytes
            self.totalSites[site].packets += 1
            self.totalSites[site].bytes += bytes
        }
    }

    private mutating func site(of address: IPAddress) -> Int32 {
        if self.configuration.sites.isEmpty { return -1 }
        if let cached = self.siteCache[address] { return cached }
        if self.siteCache.count >= 65_536 { self.siteCache.removeAll(keepingCapacity: true) }
        let site = self.configuration.sites.site(for: address)
        self.siteCache[address] = site
        return site
    }

    /// Moves flows idle for longer than the idle timeout out of the table into the finished list.
    private mutating func evictIdleFlows(now: Int64) {
        guard !self.flowIndex.isEmpty else { return }
        let cutoff = now &- self.idleTimeout
        var evicted: [FlowKey] = []
        for (key, slot) in self.flowIndex.entries where self.flowSlots[slot].lastSeen < cutoff {
            evicted.append(key)
        }
        for key in evicted {
            let slot = self.flowIndex.remove(key)!
            self.finishedFlows.append(Self.report(self.flowSlots[slot]))
            self.flowSlots[slot] = .vacant
            self.freeSlots.append(slot)
        }
        self.finishedPingers += self.icmp.removeIdle(before: cutoff).map(Self.report)
    }

    private static func report(_ flow: TCPFlowState) -> FlowReport {
        FlowReport(
            client: flow.client.description, clientPort: flow.clientPort, server: flow.server.description,
            serverPort: flow.serverPort, packets: flow.packets, bytes: flow.bytes,
            handshakeRTTMilliseconds: flow.handshakeRTT.map { Double($0) / 1e6 },
            serverRTT: RTTSummary(flow.serverRTT), clientRTT: RTTSummary(flow.clientRTT),
            retransmissions: flow.retransmissions, duplicates: flow.duplicates, dataSegments: flow.dataSegments,
            rttMethod: flow.rttMethod,
            rolesFromHandshake: flow.rolesFromHandshake,
            firstSeen: Double(flow.firstSeen) / 1e9, lastSeen: Double(flow.lastSeen) / 1e9)
    }

    /// The report of everything since the start: every flow (evicted and active), every pinger, per-site totals.
    /// With `endOfCapture`, requests still waiting count as lost (the capture ended before their replies).
    public mutating func finalReport(endOfCapture: Bool = true) -> CaptureReport {
        if endOfCapture { self.icmp.expire(now: self.totals.last ?? 0, all: true) }
        let active = self.flowIndex.entries.map(\.slot).sorted().map { Self.report(self.flowSlots[$0]) }
        let flows = (self.finishedFlows + active).sorted {
            ($0.firstSeen, $0.client, $0.clientPort) < ($1.firstSeen, $1.client, $1.clientPort)
        }
        return self.makeReport(counters: self.totals, flows: flows, sites: self.totalSites)
    }

    /// The report of the interval since the last call: its counters and sites, the flows finished or active in
    /// it (their figures cumulative), every pinger. Starts the next interval.
    public mutating func intervalReport(now: Int64) -> CaptureReport {
        self.icmp.expire(now: now)
        let start = self.interval.first ?? now
        let active = self.flowIndex.entries.map(\.slot).sorted().map { self.flowSlots[$0] }.filter {
            $0.lastSeen >= start
        }.map(Self.report)
        let flows = (self.finishedFlows + active).sorted {
            ($0.firstSeen, $0.client, $0.clientPort) < ($1.firstSeen, $1.client, $1.clientPort)
        }
        let report = self.makeReport(counters: self.interval, flows: flows, sites: self.intervalSites)
        self.finishedFlows.removeAll()
        self.finishedPingers.removeAll()
        self.interval = Counters()
        self.intervalSites = Array(repeating: SiteAccumulator(), count: self.intervalSites.count)
        return report
    }

    private static func report(_ pinger: (key: ICMPEchoKey, value: ICMPEchoState)) -> ICMPEchoReport {
        let (key, state) = pinger
        return ICMPEchoReport(
            source: key.requester.description, destination: key.responder.description, identifier: key.identifier,
            protocolName: key.isICMPv6 ? "icmpv6" : "icmp", sent: state.sent, received: state.received,
            lost: state.lost, unmatchedReplies: state.unmatchedReplies, rtt: RTTSummary(state.rtt))
    }

    private func makeReport(counters: Counters, flows: [FlowReport], sites: [SiteAccumulator]) -> CaptureReport {
        let names = self.configuration.sites.sites
        let siteReports = sites.indices.filter { !sites[$0].isEmpty }.map { sites[$0].report(site: names[$0]) }
        let pingers =
            self.finishedPingers
            + self.icmp.states
            .sorted { ($0.value.firstSeen, $0.key.identifier) < ($1.value.firstSeen, $1.key.identifier) }
            .map(Self.report)
        return CaptureReport(
            packets: counters.packets, malformed: counters.malformed, notIP: counters.notIP,
            untrackedPackets: counters.untracked,
            malformedExamples: counters.examples, start: counters.first.map(CaptureReport.rfc3339),
            end: counters.last.map(CaptureReport.rfc3339), drops: nil, totalDrops: nil, flows: flows, icmp: pingers,
            sites: siteReports)
    }
}
