import NetworkAddress

/// sites.yaml's rule for the one address a commune's gateway must be: a host of its subnet.
extension IPNetwork {
    /// `network` or `broadcast` when `candidate` is this subnet's network address or (IPv4) broadcast address and
    /// the subnet has room for hosts (two or more host bits); nil for a host address.
    func reservedRole(of candidate: IPAddress) -> String? {
        guard self.address.bitWidth - self.prefixLength >= 2 else { return nil }
        if candidate == self.address { return "network" }
        if candidate.isIPv4 && candidate == self.lastAddress { return "broadcast" }
        return nil
    }
}
