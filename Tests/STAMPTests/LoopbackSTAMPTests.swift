import Foundation
import TestSupport
import Testing

/// `netmon stamp` against `netmon stamp reflect` on loopback: the command line, authenticated mode, wrong keys.
@Suite("netmon stamp and netmon stamp reflect on loopback", .serialized)
struct LoopbackSTAMPTests {
    static func keyFile(_ hex: String, _ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "netmon-stamp-\(getpid())-\(name)"
        try hex.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("authenticated: the same key answers every packet; another key gets nothing, and the exit status says so")
    func authentication() throws {
        let port = try freePort()
        let good = try Self.keyFile(String(repeating: "5a", count: 32), "good")
        let bad = try Self.keyFile(String(repeating: "a5", count: 32), "bad")
        defer {
            unlink(good)
            unlink(bad)
        }
        let reflector = try ChildProcess([
            NetmonBinary.path, "stamp", "reflect", "--listen", "127.0.0.1:\(port)", "--key-file", good,
        ])
        defer { reflector.stop(grace: 0) }
        try reflector.waitForLine(startingWith: "ready")
        #expect(reflector.stdout.contains("127.0.0.1:\(port) stateless authenticated"))
        let target = "127.0.0.1:\(port)"
        let matched = try Shell.run(
            [NetmonBinary.path, "stamp", target, "-c", "5", "-i", "10", "--key-file", good, "--json"], check: false)
        #expect(matched.status == 0, "\(matched.stderr)")
        #expect(matched.stdout.contains(#""received":5"#))
        let wrong = try Shell.run(
            [NetmonBinary.path, "stamp", target, "-c", "3", "-i", "10", "-t", "200ms", "--key-file", bad], check: false)
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("received 0"))
        let plain = try Shell.run(
            [NetmonBinary.path, "stamp", target, "-c", "3", "-i", "10", "-t", "200ms", "--json"], check: false)
        #expect(plain.status == 1, "an unauthenticated packet is too short for an authenticated reflector")
    }

    @Test("usage errors: a short key file, a bad size, a bad DSCP; the table names what is withheld")
    func usage() throws {
        let short = try Self.keyFile("0011", "short")
        defer { unlink(short) }
        let key = try Shell.run([NetmonBinary.path, "stamp", "127.0.0.1", "--key-file", short], check: false)
        #expect(key.status == 2)
        #expect(key.stderr.contains("the key has 2 octets; at least 16 are needed"))
        let size = try Shell.run([NetmonBinary.path, "stamp", "127.0.0.1", "--size", "46"], check: false)
        #expect(size.status == 2)
        #expect(size.stderr.contains("--size must be 44 (the base packet) or 48…65000"))
        let dscp = try Shell.run([NetmonBinary.path, "stamp", "127.0.0.1", "--dscp", "64"], check: false)
        #expect(dscp.status == 2 && dscp.stderr.contains("--dscp must be 0…63"))

        let port = try freePort()
        let reflector = try ChildProcess([
            NetmonBinary.path, "stamp", "reflect", "--listen", "127.0.0.1:\(port)", "--unsynchronized-clock",
        ])
        defer { reflector.stop(grace: 0) }
        try reflector.waitForLine(startingWith: "ready")
        let table = try Shell.run(
            [NetmonBinary.path, "stamp", "127.0.0.1:\(port)", "-c", "5", "-i", "10", "--clock-error", "1us"],
            check: false)
        #expect(table.status == 0)
        #expect(table.stdout.contains("One-way delay forward withheld: the reflector reports an unsynchronised clock"))
        #expect(table.stdout.contains("round trip"))
    }

    @Test("IPv6 with padding and DSCP: stateful reflector, every packet answered, its TLV reflected at the asked size")
    func ipv6() throws {
        let port = try freePort()
        let reflector = try ChildProcess([
            NetmonBinary.path, "stamp", "reflect", "--listen", "[::1]:\(port)", "--stateful", "--clock-error", "100ns",
        ])
        defer { reflector.stop(grace: 0) }
        try reflector.waitForLine(startingWith: "ready")
        let run = try Shell.run(
            [
                NetmonBinary.path, "stamp", "[::1]:\(port)", "-c", "20", "-i", "5", "--size", "200", "--dscp", "46",
                "--clock-error", "100ns", "--json",
            ], check: false)
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let target = try #require((document["targets"] as? [[String: Any]])?.first)
        #expect(target["address"] as? String == "::1")
        #expect(target["received"] as? Int == 20)
        #expect(target["sender_ttl"] as? Int == 64)
        let forward = try #require(target["forward"] as? [String: Any])
        #expect(forward["delay_withheld"] is NSNull, "100 ns clocks on one host: one-way delay is published")
        #expect((forward["delay_ms"] as? [String: Any])?["count"] as? Int == 20)
    }
}
