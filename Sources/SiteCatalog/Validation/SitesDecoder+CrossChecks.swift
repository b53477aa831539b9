import NetworkAddress

/// Checks across the document: duplicates, subnet overlaps, the supernet, receiver references.
extension SitesDecoder {
    func checkDuplicates() {
        self.reportDuplicates(self.communeCodes) { "duplicate commune code `\($0.value)`" }
        self.reportDuplicates(self.probeIDs) { "probe id `\($0.value)` is already used by \($1.owner)" }
        self.reportDuplicates(self.receiverNames) { "duplicate receiver name `\($0.value)`" }
        var firstByAddress: [IPAddress: Seen] = [:]
        for (address, seen) in self.uniqueAddresses {
            if let first = firstByAddress[address] {
                self.context.report(
                    "address \(address) of \(seen.owner) is already used by \(first.owner)\(Self.firstUse(first.located))",
                    at: seen.located)
            } else {
                firstByAddress[address] = seen
            }
        }
    }

    private func reportDuplicates(_ values: [Seen], message: (Seen, Seen) -> String) {
        var first: [String: Seen] = [:]
        for seen in values {
            if let earlier = first[seen.value] {
                self.context.report(message(seen, earlier) + Self.firstUse(earlier.located), at: seen.located)
            } else {
                first[seen.value] = seen
            }
        }
    }

    private func reportDuplicates(_ values: [Seen], message: (Seen) -> String) {
        self.reportDuplicates(values) { seen, _ in message(seen) }
    }

    func checkSubnets(network: Network?) {
        // Overlaps: each subnet against those before it; one report per subnet (its first clash).
        for index in self.subnets.indices {
            let (subnet, seen) = self.subnets[index]
            for earlier in self.subnets[..<index] where earlier.network.overlaps(subnet) {
                let what = earlier.network == subnet ? "is the same as" : "overlaps"
                self.context.report(
                    "subnet \(subnet) of \(seen.owner) \(what) \(earlier.network) of \(earlier.seen.owner)"
                        + Self.firstUse(earlier.seen.located),
                    at: seen.located)
                break
            }
        }
        guard let network else { return }
        let supernet = network.supernet
        let datacenterSubnet = network.datacenter.subnet
        for (subnet, seen) in self.subnets {
            if let supernet, subnet.address.bitWidth == supernet.address.bitWidth,
                !supernet.contains(subnet)
            {
                self.context.report(
                    "subnet \(subnet) of \(seen.owner) is outside the supernet \(supernet)", at: seen.located)
            }
            if seen.owner != "the data centre", subnet.prefixLength != network.communePrefixLength,
                !subnet.address.isIPv6 || network.communePrefixLength > 32
            {
                self.context.report(
                    "subnet \(subnet) of \(seen.owner) is a /\(subnet.prefixLength), but `commune_prefix_length` is "
                        + "\(network.communePrefixLength)",
                    at: seen.located)
            }
        }
        for (address, seen) in self.uniqueAddresses where seen.owner.hasPrefix("service") {
            if !datacenterSubnet.contains(address) {
                self.context.report(
                    "address \(address) of \(seen.owner) is outside the data centre's subnet \(datacenterSubnet)",
                    at: seen.located)
            }
        }
    }

    func checkReceivers() {
        let names = self.receiverNames.map(\.value)
        for reference in self.receiverReferences where !names.contains(reference.value) {
            var message = "route names unknown receiver `\(reference.value)`"
            if let suggestion = EditDistance.suggestion(for: reference.value, among: names) {
                message += "; did you mean `\(suggestion)`?"
            } else if !names.isEmpty {
                message += " (receivers: \(names.map { "`\($0)`" }.joined(separator: ", ")))"
            }
            self.context.report(message, at: reference.located)
        }
    }

    /// The communes against the boundaries file: the file exists and parses, every code in sites.yaml is in it with
    /// the same name, and (unless `require_all_communes: false`) every commune of it is in sites.yaml.
    func checkBoundaries(province: Province) {
        guard let path = province.boundariesPath, let written = province.boundaries, let located = self.boundaries
        else {
            return
        }
        let file: BoundaryCommunes
        switch self.boundaryReader(path) {
        case .success(let loaded):
            file = loaded
        case .failure(.notFound):
            self.context.report("boundaries file `\(written)` not found (looked for \(path))", at: located)
            return
        case .failure(.unreadable(let reason)):
            self.context.report("boundaries file `\(written)` cannot be used: \(reason)", at: located)
            return
        }
        let fileName = NSStringPath(text: path).lastComponent
        for seen in self.communeCodes {
            guard let boundaryName = file.names[seen.value] else {
                var message = "commune code `\(seen.value)` is not in the boundaries file \(fileName)"
                if let suggestion = EditDistance.suggestion(for: seen.value, among: file.names.keys.sorted()) {
                    message += "; did you mean `\(suggestion)` (\(file.names[suggestion]!))?"
                }
                self.context.report(message, at: seen.located)
                continue
            }
            if let name = self.communeNames[seen.value], name.value != boundaryName {
                self.context.report(
                    "commune \(seen.value) is named `\(boundaryName)` in the boundaries file, not `\(name.value)`",
                    at: name.located)
            }
        }
        // Only when the list itself could be read: a broken `communes` would otherwise make every commune "missing".
        guard self.requiresAllCommunes, self.communesKey != nil, self.communesListRead else { return }
        let listed = Set(self.communeCodes.map(\.value))
        let missing = file.names.sorted(by: { $0.key < $1.key }).filter { !listed.contains($0.key) }
        let shown = 10
        for (code, name) in missing.prefix(shown) {
            self.context.report(
                "commune \(code) (\(name)) of the boundaries file is missing from `communes`",
                at: self.communesKey?.mark, field: "communes")
        }
        if missing.count > shown {
            self.context.report(
                "… and \(missing.count - shown) more communes of the boundaries file are missing from `communes` "
                    + "(scripts/gen-sites.py writes the full list)",
                at: self.communesKey?.mark, field: "communes")
        }
    }
}

/// A path's last component, without bridging to NSString.
private struct NSStringPath {
    let text: String
    var lastComponent: String { self.text.split(separator: "/").last.map(String.init) ?? self.text }
}
