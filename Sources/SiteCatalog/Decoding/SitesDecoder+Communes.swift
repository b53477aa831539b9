import NetworkAddress

/// The communes: code, name, subnet, gateway, probe id, optional targets.
extension SitesDecoder {
    func decodeCommunes(_ located: Located?, thresholds: Thresholds) -> [Commune]? {
        guard let items = self.context.list(located, "communes") else { return nil }
        self.communesListRead = true
        if items.isEmpty, let located {
            self.context.report("`communes` lists no commune", at: located)
            return nil
        }
        var communes: [Commune] = []
        var failed = false
        for item in items {
            if let commune = self.decodeCommune(item, thresholds: thresholds) {
                communes.append(commune)
            } else {
                failed = true
            }
        }
        return failed ? nil : communes
    }

    private func decodeCommune(_ located: Located, thresholds: Thresholds) -> Commune? {
        guard
            let fields = self.context.fields(
                located, "commune", required: ["code", "name", "subnet", "gateway", "probe_id"],
                optional: ["targets", "capture", "signal", "location"])
        else { return nil }
        var code: String?
        if let codeLocated = fields["code"] {
            let isText = codeLocated.node.tagName == .str
            let text = codeLocated.node.string ?? ""
            if isText, text.count == 5, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                code = text
            } else {
                let found = isText ? "`\(text)`" : codeLocated.kindDescription
                self.context.report(
                    "commune `code` must be a five-digit GSO code in quotes, e.g. \"13063\"; found \(found)",
                    at: codeLocated)
            }
        }
        let owner = "commune \(code ?? "?")"
        if let code, let codeLocated = fields["code"] {
            self.communeCodes.append(Seen(value: code, located: codeLocated, owner: owner))
        }
        let name = self.context.string(fields["name"])
        if let code, let name, let nameLocated = fields["name"] {
            self.communeNames[code] = Seen(value: name, located: nameLocated, owner: owner)
        }
        let subnet = self.context.network(fields["subnet"])
        let gateway = self.context.address(fields["gateway"])
        if let subnet, let subnetLocated = fields["subnet"] {
            self.subnets.append((subnet, Seen(value: subnet.description, located: subnetLocated, owner: owner)))
        }
        if let gateway, let gatewayLocated = fields["gateway"] {
            self.uniqueAddresses.append(
                (gateway, Seen(value: gateway.description, located: gatewayLocated, owner: "the gateway of \(owner)")))
            if let subnet {
                if !subnet.contains(gateway) {
                    self.context.report(
                        "gateway \(gateway) is not inside the commune's subnet \(subnet)", at: gatewayLocated)
                } else if let which = subnet.reservedRole(of: gateway) {
                    self.context.report(
                        "gateway \(gateway) is the \(which) address of \(subnet), not a host", at: gatewayLocated)
                }
            }
        }
        var probeID: String?
        if let probeLocated = fields["probe_id"], let text = self.context.string(probeLocated) {
            if text.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
            }) {
                probeID = text
                self.probeIDs.append(Seen(value: text, located: probeLocated, owner: owner))
            } else {
                self.context.report(
                    "`probe_id` `\(text)` may use only ASCII letters, digits, `-`, `_` and `.`", at: probeLocated)
            }
        }
        var targets: [ProbeTarget]?? = .some(nil)
        if fields.has("targets") {
            targets = self.decodeTargets(fields["targets"], what: "targets", owner: owner, thresholds: thresholds).map {
                .some($0)
            }
            if case .some(.some(let list)) = targets, list.isEmpty, let targetsLocated = fields["targets"] {
                self.context.report("`targets` is empty; remove it to use the default targets", at: targetsLocated)
                targets = .none
            }
        }
        var capture: CaptureSettings?? = .some(nil)
        if fields.has("capture") {
            capture = self.decodeCapture(fields["capture"], base: self.captureDefaults).map { .some($0) }
        }
        var signal: SignalSettings?? = .some(nil)
        if fields.has("signal") {
            signal = self.decodeSignal(fields["signal"], base: self.signalDefaults).map { .some($0) }
        }
        var location: GatewayLocation?? = .some(nil)
        if fields.has("location") {
            location = self.decodeLocation(fields["location"], base: self.locationDefaults).map { .some($0) }
        }
        if let signal, let location {
            self.checkSignal(
                located, code: code ?? "?", signal: signal ?? self.signalDefaults,
                location: location ?? self.locationDefaults)
        }
        guard let code, let name, let subnet, let gateway, let probeID, let targets, let capture, let signal,
            let location
        else { return nil }
        return Commune(
            code: code, name: name, subnet: subnet, gateway: gateway, probeID: probeID,
            targets: targets, capture: capture, signal: signal, location: location
        )
    }
}
