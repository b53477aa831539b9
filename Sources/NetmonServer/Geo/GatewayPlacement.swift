import CoverageModel

/// A gateway whose sites.yaml `location` lies outside its own commune's boundary: most often a typo (latitude and
/// longitude swapped, a digit lost or a neighbour's coordinates pasted). Its modem's signal reports count where
/// the location says, so coverage would credit another commune; the server says so at start and in the probes
/// layer.
struct GatewayPlacement: Sendable, Hashable {
    /// The gateway's commune (GSO code).
    var commune: String
    var location: LatLng
    /// The commune of the boundaries file whose area holds the location, or nil when none does (outside the
    /// province, or a gap between boundaries).
    var within: String?

    /// The gateways of `communes` whose location is not inside their own boundary. Communes without a location,
    /// or missing from the boundaries (sites.yaml's cross-check reports those), are not judged.
    static func misplaced(_ communes: [ServerCommune], boundaries: [CommuneBoundary]) -> [GatewayPlacement] {
        let shapes = Dictionary(boundaries.map { ($0.code, $0.geometry) }, uniquingKeysWith: { a, _ in a })
        let boxes = boundaries.compactMap { b in b.geometry.boundingBox.map { (b.code, b.geometry, $0) } }
        var found: [GatewayPlacement] = []
        for commune in communes {
            guard let location = commune.gatewayLocation, let own = shapes[commune.code],
                !own.contains(location)
            else { continue }
            let within = boxes.first { $0.2.contains(location) && $0.1.contains(location) }?.0
            found.append(GatewayPlacement(commune: commune.code, location: location, within: within))
        }
        return found
    }

    /// The warning for the log, naming both communes where there are two.
    func message(names: [String: String]) -> String {
        let own = names[self.commune].map { "\(self.commune) (\($0))" } ?? self.commune
        let point = "lat \(self.location.lat), lon \(self.location.lng)"
        let whereItIs =
            self.within.map { code in
                "inside commune \(code)\(names[code].map { " (\($0))" } ?? "")"
            } ?? "outside every commune of the boundaries file"
        return
            "the gateway location of commune \(own) (\(point)) is not inside its boundary but \(whereItIs): "
            + "check `location` in sites.yaml (latitude and longitude swapped?); its modem's signal reports count "
            + "where the location says"
    }
}
