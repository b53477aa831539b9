import Foundation
import NetMonitor
import NetworkAddress

/// Delay models per commune subnet for the one responder of a lab's data centre, read from the lab state file and
/// re-read when the file changes (so `netmon lab impair` takes effect within a poll interval).
///
/// Used only by the responder's own thread.
struct PathDelays {
    private let path: String
    private var modifiedAt: Date?
    private var entries: [(network: IPNetwork, model: DelayModel)] = []
    private var lastCheck: Int64 = 0

    init(path: String) {
        self.path = path
        self.reload(force: true)
    }

    /// The model for an echo request from `source`, nil when no commune subnet holds it.
    func model(for source: IPAddress) -> DelayModel? {
        self.entries.first { $0.network.contains(source) }?.model
    }

    /// Re-reads the file when its modification time changed, at most every 100 ms. A file that cannot be read
    /// leaves the current table in place.
    mutating func reload(force: Bool = false) {
        let now = WallClock.nanoseconds()
        guard force || now - self.lastCheck >= 100_000_000 else { return }
        self.lastCheck = now
        let modified = (try? FileManager.default.attributesOfItem(atPath: self.path))?[.modificationDate] as? Date
        guard force || modified != self.modifiedAt else { return }
        guard let state = try? LabState.read(path: self.path) else { return }
        self.modifiedAt = modified
        self.entries = state.plan.communes.compactMap { commune in
            guard let network = IPNetwork(commune.subnet) else { return nil }
            let impairment = state.impairment(of: commune.code)
            return (network, DelayModel(delay: impairment.delay, jitter: impairment.jitter))
        }
    }
}
