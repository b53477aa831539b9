import Logging
import MeasurementStore
import ServiceLifecycle

/// Re-reads the stored tokens periodically, so that a token created or deleted through another replica's API
/// takes effect here within `interval` (replicas on one PostgreSQL; a single server reloads on its own changes).
struct TokenRefresh: Service {
    let state: ServerState
    let interval: Duration

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: self.interval)) != nil else { return }
                do {
                    self.state.tokens.replace(with: try await self.state.store.tokens())
                } catch {
                    self.state.logger.warning("tokens not refreshed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
