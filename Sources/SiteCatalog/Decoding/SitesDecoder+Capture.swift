/// The `capture` blocks: `defaults.capture` and each commune's own, merged key by key over the defaults.
extension SitesDecoder {
    static let captureKeys = ["interface", "filter", "snaplen", "buffer_mib", "enabled"]

    /// Reads a `capture` mapping; keys left out come from `base`. Nil (reported) when any key is wrong.
    func decodeCapture(_ located: Located?, base: CaptureSettings) -> CaptureSettings? {
        guard let fields = self.context.fields(located, "capture", required: [], optional: Self.captureKeys) else {
            return nil
        }
        var settings = base
        var failed = false
        if let interfaceLocated = fields["interface"] {
            if let name = self.context.string(interfaceLocated) {
                if Self.isInterfaceName(name) {
                    settings.interface = name
                } else {
                    self.context.report(
                        "`\(interfaceLocated.path)` must be a Linux interface name (1–15 characters, no `/`, `:` or "
                            + "spaces, not `.` or `..`), e.g. eth1 or any; found `\(name)`", at: interfaceLocated)
                    failed = true
                }
            } else {
                failed = true
            }
        }
        if let filterLocated = fields["filter"] {
            if let filter = self.context.string(filterLocated) {
                if filter.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    self.context.report(
                        "`\(filterLocated.path)` must be one line of BPF filter text, e.g. \"tcp or icmp\"",
                        at: filterLocated)
                    failed = true
                } else {
                    settings.filter = filter
                }
            } else {
                failed = true
            }
        }
        if fields.has("snaplen") {
            if let value = self.context.int(fields["snaplen"], in: 64...65_535) {
                settings.snapshotLength = value
            } else {
                failed = true
            }
        }
        if fields.has("buffer_mib") {
            if let value = self.context.int(fields["buffer_mib"], in: 1...1024) {
                settings.bufferMiB = value
            } else {
                failed = true
            }
        }
        if fields.has("enabled") {
            if let value = self.context.bool(fields["enabled"]) {
                settings.enabled = value
            } else {
                failed = true
            }
        }
        return failed ? nil : settings
    }

    /// What the Linux kernel accepts as an interface name (`dev_valid_name`).
    static func isInterfaceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 15, name != ".", name != ".." else { return false }
        return !bytes.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 <= 0x20 || $0 == 0x7F }
    }
}
