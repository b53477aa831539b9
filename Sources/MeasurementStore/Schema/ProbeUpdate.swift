import NetmonProtocol

/// The values of ``ProvinceSchema/probeUpsert(_:)`` after an ingest: the newest round's commune, the count, and the
/// highest sequence of the store the batch ended with (-1 when nothing was stored: the row keeps its sequence).
struct ProbeUpdate: Sendable {
    var probeID: String
    var commune: String
    var accepted: Int64
    var lastSequence: Int64
    var storeID: String

    init(probeID: String, inserted: [ProbeRound]) {
        self.probeID = probeID
        self.commune = inserted.max(by: { $0.start < $1.start })?.commune ?? ""
        self.accepted = Int64(inserted.count)
        let store = inserted.last?.storedStoreID ?? ""
        self.storeID = store
        self.lastSequence = inserted.lazy.filter { $0.storedStoreID == store }.map(\.sequence).max() ?? -1
    }
}
