/// The stored text form of a sorted RTT list: shortest round-trip decimals joined by commas.
enum RTTText {
    static func encode(_ values: [Double]) -> String {
        values.map { "\($0)" }.joined(separator: ",")
    }

    static func decode(_ text: String) throws -> [Double] {
        if text.isEmpty { return [] }
        var out: [Double] = []
        for part in text.split(separator: ",") {
            guard let v = Double(part) else {
                throw StoreError(
                    .corrupt, "stored RTT list holds '\(part)', not a number", context: "probe_round.rtt_seconds")
            }
            out.append(v)
        }
        return out
    }
}
