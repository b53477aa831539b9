import Foundation

/// The nftables ruleset of a lab's data centre: random loss per commune link, applied to everything the commune
/// sends in (`iifname "c<code>"`, `numgen random mod 10000 < loss × 10000`, so 0.01 % steps), with a counter per
/// rule; and, with a host link, masquerading of commune traffic towards the host.
enum LossRules {
    /// The whole `inet nml_loss` table as an atomic `nft -f` script (created, emptied and refilled in one go).
    static func script(plan: LabPlan, impairments: [String: Impairment]) -> String {
        var lines = [
            "table inet \(LabNames.lossTable) {}",
            "delete table inet \(LabNames.lossTable)",
            "table inet \(LabNames.lossTable) {",
            "  chain input {",
            "    type filter hook prerouting priority -150; policy accept;",
        ]
        for commune in plan.communes {
            let loss = impairments[commune.code]?.loss ?? 0
            let threshold = Int((loss * 10_000).rounded())
            guard threshold > 0 else { continue }
            let interface = LabNames.datacenterInterface(commune.code)
            if threshold >= 10_000 {
                lines.append(
                    "    iifname \"\(interface)\" meta l4proto { icmp, tcp, udp } counter drop comment \"\(commune.code)\""
                )
            } else {
                lines.append(
                    "    iifname \"\(interface)\" meta l4proto { icmp, tcp, udp } numgen random mod 10000 < \(threshold) counter drop comment \"\(commune.code)\""
                )
            }
        }
        lines += ["  }", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The masquerading table for the host link.
    static func natScript() -> String {
        """
        table ip \(LabNames.natTable) {
          chain postrouting {
            type nat hook postrouting priority 100; policy accept;
            oifname "\(LabNames.datacenterHostInterface)" masquerade
          }
        }

        """
    }

    /// Packets dropped per commune code, from `nft list table inet nml_loss` output.
    static func droppedCounts(listing: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in listing.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let packets = words.firstIndex(of: "packets"), packets + 1 < words.count,
                let count = Int(words[packets + 1]), let comment = words.firstIndex(of: "comment"),
                comment + 1 < words.count
            else { continue }
            counts[words[comment + 1].trimmingCharacters(in: ["\""])] = count
        }
        return counts
    }
}
