import CoverageModel
import Synchronization

/// The aggregation a store's writes keep (``ProvinceStore/keepCoverageAggregates(_:)``), set by the server at start.
final class KeptAggregation: Sendable {
    private let value = Mutex<CellAggregation?>(nil)

    var current: CellAggregation? { self.value.withLock { $0 } }

    func set(_ aggregation: CellAggregation) { self.value.withLock { $0 = aggregation } }
}
