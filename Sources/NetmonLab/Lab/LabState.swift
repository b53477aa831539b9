import Foundation

/// What `netmon lab up` built, kept as JSON in the lab's state folder (`<state-dir>/<lab>/lab.json`) so that
/// `status`, `impair` and `down` and the responder (which re-reads it when it changes) share one truth.
public struct LabState: Sendable, Hashable, Codable {
    /// The lab's name.
    public var lab: String
    /// The plan that was built.
    public var plan: LabPlan
    /// Impairment per commune code (communes not listed are healthy).
    public var impairments: [String: Impairment]
    /// The host link, when the lab has one.
    public var hostLink: HostLink?
    /// When the lab came up (UTC, RFC 3339).
    public var createdAt: String

    /// A veth between the root namespace and the data centre, with private /30 addresses that exist only on this
    /// machine, so that probes inside the lab can reach a server on the host (their traffic is masqueraded to the
    /// data centre's address on this link; the host has no route to the lab's 10.33.x.x plan).
    public struct HostLink: Sendable, Hashable, Codable {
        /// Host-side interface in the root namespace.
        public var hostInterface: String
        /// Host-side address (a server on the host listens here).
        public var hostAddress: String
        /// Data centre side address.
        public var datacenterAddress: String
        /// The /30, canonical text.
        public var subnet: String
    }

    /// The impairment of commune `code`.
    public func impairment(of code: String) -> Impairment { self.impairments[code] ?? .none }

    /// Reads a state file.
    public static func read(path: String) throws(LabError) -> LabState {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabError(.notFound, "no lab state here; is the lab up (netmon lab up)?", context: path)
        }
        do {
            return try JSONDecoder().decode(LabState.self, from: data)
        } catch {
            throw LabError(.invalidState, "unreadable lab state: \(error)", context: path)
        }
    }

    /// Writes the state atomically (temporary file, then rename), so a reader never sees half a file.
    public func write(path: String) throws(LabError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(self)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LabError(.invalidState, "cannot write lab state: \(error)", context: path)
        }
    }
}
