import NetworkAddress

/// The addressing plan: supernet, data centre, hub and services.
extension SitesDecoder {
    func decodeNetwork(_ located: Located?, thresholds: Thresholds) -> Network? {
        guard
            let fields = self.context.fields(
                located, "network", required: ["datacenter"], optional: ["supernet", "commune_prefix_length"])
        else { return nil }
        var supernet: IPNetwork?? = .some(nil)
        if fields.has("supernet") { supernet = self.context.network(fields["supernet"]).map { .some($0) } }
        var prefixLength: Int? = 24
        if fields.has("commune_prefix_length") {
            prefixLength = self.context.int(fields["commune_prefix_length"], in: 8...128)
        }
        let datacenter = self.decodeDatacenter(fields["datacenter"], thresholds: thresholds)
        guard let supernet, let prefixLength, let datacenter else { return nil }
        return Network(supernet: supernet, datacenter: datacenter, communePrefixLength: prefixLength)
    }

    private func decodeDatacenter(_ located: Located?, thresholds: Thresholds) -> Datacenter? {
        guard
            let fields = self.context.fields(
                located, "datacenter", required: ["name", "subnet", "hub"], optional: ["services"])
        else { return nil }
        let name = self.context.string(fields["name"])
        let subnet = self.context.network(fields["subnet"])
        let hub = self.context.address(fields["hub"])
        if let subnet, let subnetLocated = fields["subnet"] {
            self.subnets.append(
                (subnet, Seen(value: subnet.description, located: subnetLocated, owner: "the data centre")))
        }
        if let hub, let hubLocated = fields["hub"] {
            self.uniqueAddresses.append((hub, Seen(value: hub.description, located: hubLocated, owner: "the hub")))
            if let subnet, !subnet.contains(hub) {
                self.context.report("hub \(hub) is not inside the data centre's subnet \(subnet)", at: hubLocated)
            }
        }
        var services: [ProbeTarget]? = []
        if fields.has("services") {
            services = self.decodeTargets(
                fields["services"], what: "services", owner: "the data centre", thresholds: thresholds)
            let items: [Located] =
                if let located = fields["services"], case .sequence(let sequence) = located.node {
                    sequence.enumerated().map { Located(node: $1, path: located.appending(index: $0)) }
                } else {
                    []
                }
            for item in items {
                guard let serviceFields = self.context.fieldsQuietly(item),
                    let addressLocated = serviceFields["address"],
                    let text = addressLocated.node.string, let address = IPAddress(text)
                else { continue }
                let serviceName = serviceFields["name"]?.node.string ?? "?"
                if serviceName == "hub" {
                    self.context.report(
                        "service name `hub` is taken by the hub's own target; choose another name",
                        at: serviceFields["name"]!)
                }
                self.uniqueAddresses.append(
                    (
                        address,
                        Seen(value: address.description, located: addressLocated, owner: "service `\(serviceName)`")
                    ))
            }
        }
        guard let name, let subnet, let hub, let services else { return nil }
        return Datacenter(name: name, subnet: subnet, hub: hub, services: services)
    }
}
