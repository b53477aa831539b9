extension CaptureReport {
    /// The report as JSON bytes, byte for byte what `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`)
    /// makes of the `Encodable` conformance, written directly (the encoder's tree costs more than the analysis
    /// of a large capture). With `kind`, wrapped as `{"kind": kind, "report": …}` (live capture events).
    public func jsonBytes(kind: String? = nil) -> [UInt8] {
        var json = JSONBytes(capacity: 512 + self.flows.count * 420 + self.icmp.count * 200 + self.sites.count * 300)
        if let kind {
            json.beginObject()
            json.key("kind")
            json.string(kind)
            json.key("report")
            self.write(to: &json)
            json.endObject()
        } else {
            self.write(to: &json)
        }
        return json.bytes
    }

    func write(to json: inout JSONBytes) {
        json.beginObject()
        if self.drops != nil || self.totalDrops != nil {
            json.key("capture_drops")
            Self.write(self.drops, to: &json)
            json.key("capture_drops_total")
            Self.write(self.totalDrops, to: &json)
        }
        json.key("end")
        json.string(self.end)
        json.key("flows")
        json.beginArray()
        for flow in self.flows { flow.write(to: &json) }
        json.endArray()
        json.key("icmp")
        json.beginArray()
        for pinger in self.icmp { pinger.write(to: &json) }
        json.endArray()
        json.key("malformed")
        json.int(self.malformed)
        json.key("malformed_examples")
        json.beginArray()
        for example in self.malformedExamples {
            json.beginObject()
            json.key("packet")
            json.int(example.packet)
            json.key("reason")
            json.string(example.reason)
            json.endObject()
        }
        json.endArray()
        json.key("not_ip")
        json.int(self.notIP)
        json.key("packets")
        json.int(self.packets)
        json.key("sites")
        json.beginArray()
        for site in self.sites { site.write(to: &json) }
        json.endArray()
        json.key("start")
        json.string(self.start)
        json.key("untracked_packets")
        json.int(self.untrackedPackets)
        json.endObject()
    }

    private static func write(_ drops: CaptureDrops?, to json: inout JSONBytes) {
        guard let drops else {
            json.null()
            return
        }
        json.beginObject()
        json.key("dropped")
        json.int(drops.dropped)
        json.key("interface_dropped")
        json.int(drops.interfaceDropped)
        json.key("received")
        json.int(drops.received)
        json.endObject()
    }
}

extension RTTSummary {
    static func write(_ summary: RTTSummary?, to json: inout JSONBytes) {
        guard let summary else {
            json.null()
            return
        }
        json.beginObject()
        json.key("median")
        json.double(summary.median)
        json.key("min")
        json.double(summary.min)
        json.key("p95")
        json.double(summary.p95)
        json.key("samples")
        json.int(summary.samples)
        json.endObject()
    }
}

extension FlowReport {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("bytes")
        json.int(self.bytes)
        json.key("client")
        json.string(self.client)
        json.key("client_port")
        json.int(self.clientPort)
        json.key("client_rtt_ms")
        RTTSummary.write(self.clientRTT, to: &json)
        json.key("data_segments")
        json.int(self.dataSegments)
        json.key("duplicates")
        json.int(self.duplicates)
        json.key("first_seen")
        json.double(self.firstSeen)
        json.key("handshake_rtt_ms")
        json.double(self.handshakeRTTMilliseconds)
        json.key("last_seen")
        json.double(self.lastSeen)
        json.key("packets")
        json.int(self.packets)
        json.key("retransmissions")
        json.int(self.retransmissions)
        json.key("roles_from_handshake")
        json.bool(self.rolesFromHandshake)
        json.key("rtt_method")
        json.string(self.rttMethod?.rawValue)
        json.key("server")
        json.string(self.server)
        json.key("server_port")
        json.int(self.serverPort)
        json.key("server_rtt_ms")
        RTTSummary.write(self.serverRTT, to: &json)
        json.endObject()
    }
}

extension ICMPEchoReport {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("destination")
        json.string(self.destination)
        json.key("identifier")
        json.int(self.identifier)
        json.key("lost")
        json.int(self.lost)
        json.key("protocol")
        json.string(self.protocolName)
        json.key("received")
        json.int(self.received)
        json.key("rtt_ms")
        RTTSummary.write(self.rtt, to: &json)
        json.key("sent")
        json.int(self.sent)
        json.key("source")
        json.string(self.source)
        json.key("unmatched_replies")
        json.int(self.unmatchedReplies)
        json.endObject()
    }
}

extension SiteReport {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("bytes")
        json.int(self.bytes)
        json.key("data_segments")
        json.int(self.dataSegments)
        json.key("flows")
        json.int(self.flows)
        json.key("icmp_received")
        json.int(self.icmpReceived)
        json.key("icmp_rtt_ms")
        RTTSummary.write(self.icmpRTT, to: &json)
        json.key("icmp_sent")
        json.int(self.icmpSent)
        json.key("packets")
        json.int(self.packets)
        json.key("retransmission_ratio")
        json.double(self.retransmissionRatio)
        json.key("retransmissions")
        json.int(self.retransmissions)
        json.key("rtt_ms")
        RTTSummary.write(self.rtt, to: &json)
        json.key("site")
        json.string(self.site)
        json.endObject()
    }
}
