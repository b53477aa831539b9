/// The settings of a `kind: stamp` target.
extension SitesDecoder {
    /// Keys only a stamp target may have.
    static let stampOnlyKeys = ["stateful", "dscp", "size", "clock_error"]

    /// `port` (862 by default), `stateful`, `dscp` (0–63), `size` (44, or 48–65000) and `clock_error` of a stamp
    /// target; nil (reported at the offending value) when one is wrong.
    func decodeSTAMPSettings(_ fields: Fields) -> STAMPTargetSettings? {
        var settings = STAMPTargetSettings()
        var failed = false
        if fields.has("port") {
            if let port = self.context.int(fields["port"], in: 1...65_535) {
                settings.port = UInt16(port)
            } else {
                failed = true
            }
        }
        if fields.has("stateful") {
            if let stateful = self.context.bool(fields["stateful"]) {
                settings.stateful = stateful
            } else {
                failed = true
            }
        }
        if fields.has("dscp") {
            if let dscp = self.context.int(fields["dscp"], in: 0...63) { settings.dscp = dscp } else { failed = true }
        }
        if fields.has("size"), let sizeNode = fields["size"] {
            let base = STAMPTargetSettings.basePacketOctets
            if let size = self.context.int(sizeNode, in: base...65_000) {
                if size == base || size >= base + 4 {
                    settings.packetOctets = size
                } else {
                    self.context.report(
                        "`\(sizeNode.path)` must be \(base) (the base packet) or \(base + 4)–65000 (padding is a TLV of "
                            + "4 octets or more), found \(size)",
                        at: sizeNode)
                    failed = true
                }
            } else {
                failed = true
            }
        }
        if fields.has("clock_error") {
            if let error = self.context.duration(fields["clock_error"], allowZero: true) {
                let seconds = Double(error.components.seconds) + Double(error.components.attoseconds) * 1e-18
                if let node = fields["clock_error"], seconds > 16 {
                    self.context.report(
                        "`\(node.path)` must be at most 16s (an error bound larger than that is no synchronised clock)",
                        at: node)
                    failed = true
                } else {
                    settings.clockErrorSeconds = seconds
                }
            } else {
                failed = true
            }
        }
        return failed ? nil : settings
    }
}
