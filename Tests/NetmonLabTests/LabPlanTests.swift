import Foundation
import SiteCatalog
import Testing

@testable import NetmonLab

@Suite("Lab plan, names and loss rules (no root needed)")
struct LabPlanTests {
    @Test("the plan takes the first N communes, the hub and services once, /31 links from 198.18.0.0/16")
    func planFromSites() throws {
        let plan = try LabPlan.make(config: try LabFixtures.config(), communeCount: 2)
        #expect(plan.communes.map(\.code) == ["11953", "11977"])
        #expect(plan.datacenterAddresses == ["10.33.0.1", "10.33.0.10", "10.33.0.53"])
        #expect(plan.tcpServices == [LabPlan.TCPService(address: "10.33.0.10", port: 443)])
        #expect(plan.datacenterSubnet == "10.33.0.0/24")
        #expect(plan.communes[1].datacenterLinkAddress == "198.18.0.2")
        #expect(plan.communes[1].communeLinkAddress == "198.18.0.3")
        #expect(plan.communes[1].gateway == "10.33.2.1" && plan.communes[1].subnet == "10.33.2.0/24")
        let all = try LabPlan.make(config: try LabFixtures.config())
        #expect(all.communes.count == 3)
    }

    @Test("explicit codes are kept in order; an unknown code or zero communes is an error naming it")
    func planErrors() throws {
        let config = try LabFixtures.config()
        let chosen = try LabPlan.make(config: config, codes: ["11980", "11953"])
        #expect(chosen.communes.map(\.code) == ["11980", "11953"])
        #expect(chosen.communes[0].datacenterLinkAddress == "198.18.0.0")
        let unknown = #expect(throws: LabError.self) { try LabPlan.make(config: config, codes: ["99999"]) }
        #expect(unknown?.code == .invalidArgument && unknown?.context == "commune 99999")
        #expect(throws: LabError.self) { try LabPlan.make(config: config, communeCount: 0) }
    }

    @Test("lab names: 1–8 lowercase letters or digits; namespace and interface names fit the kernel's limits")
    func names() throws {
        let names = try LabNames(lab: "demo")
        #expect(names.datacenter == "nml-demo-dc")
        #expect(names.commune("12345") == "nml-demo-c12345")
        #expect(names.hostInterface == "nmlh-demo" && names.hostInterface.utf8.count <= 15)
        for bad in ["", "Demo", "toolongname", "a-b", "a b"] {
            #expect(throws: LabError.self, "\(bad)") { try LabNames(lab: bad) }
        }
        #expect(try LabNames(lab: "abcdefgh").hostInterface.utf8.count <= 15)
    }

    @Test("loss rules: one counted drop rule per lossy commune, 0.01 % steps, healthy communes have none")
    func lossRules() throws {
        let plan = try LabPlan.make(config: try LabFixtures.config())
        let script = LossRules.script(
            plan: plan,
            impairments: [
                "11953": Impairment(delay: 0.01), "11977": Impairment(delay: 0, loss: 0.085),
                "11980": Impairment(delay: 0, loss: 1),
            ])
        #expect(script.contains("delete table inet nml_loss"))
        #expect(!script.contains("\"c11953\""))
        #expect(
            script.contains(
                "iifname \"c11977\" meta l4proto { icmp, tcp, udp } numgen random mod 10000 < 850 counter drop comment \"11977\""
            ))
        #expect(script.contains("iifname \"c11980\" meta l4proto { icmp, tcp, udp } counter drop comment \"11980\""))
        let listing = """
            table inet nml_loss {
            	chain input {
            		iifname "c11977" meta l4proto { icmp, tcp, udp } numgen random mod 10000 < 850 counter packets 17 bytes 1428 drop comment "11977"
            	}
            }
            """
        #expect(LossRules.droppedCounts(listing: listing) == ["11977": 17])
    }

    @Test("impairments clamp to valid ranges and print in ms and %")
    func impairmentValues() {
        let impairment = Impairment(delay: 0.04, jitter: -1, loss: 1.5)
        #expect(impairment.jitter == 0 && impairment.loss == 1)
        #expect(Impairment(delay: 0.04, jitter: 0.005, loss: 0.08).description == "delay 40ms jitter 5ms loss 8%")
    }

    @Test("the state file round-trips and a missing one says the lab is not up")
    func stateFile() throws {
        let root = LabFixtures.stateRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try LabPlan.make(config: try LabFixtures.config())
        let state = LabState(
            lab: "x", plan: plan, impairments: ["11977": Impairment(delay: 0.03)], hostLink: nil, createdAt: "now")
        try state.write(path: root + "/lab.json")
        #expect(try LabState.read(path: root + "/lab.json") == state)
        let missing = #expect(throws: LabError.self) { try LabState.read(path: root + "/none.json") }
        #expect(missing?.code == .notFound)
    }
}
