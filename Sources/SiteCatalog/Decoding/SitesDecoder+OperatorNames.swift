import Yams

/// `coverage.operators`: display names of mobile operators by MCC-MNC code.
extension SitesDecoder {
    /// A mapping of `MCC-MNC: name` (`"452-04": Viettel`): three-digit MCC, two- or three-digit MNC, a name of 1–64
    /// characters. Nil (reported at the entry) when an entry is wrong.
    func decodeOperatorNames(_ located: Located?) -> [String: String]? {
        guard let located else { return nil }
        guard case .mapping(let mapping) = located.node else {
            self.context.report(
                "expected a mapping of operator codes to names for `\(located.path)` (\"452-04\": Viettel), "
                    + "found \(located.kindDescription)", at: located)
            return nil
        }
        var names: [String: String] = [:]
        var failed = false
        for (keyNode, valueNode) in mapping {
            let keyLocated = Located(node: keyNode, path: located.path)
            guard case .scalar(let scalar) = keyNode, Self.isOperatorCode(scalar.string) else {
                self.context.report(
                    "operator code \(keyLocated.kindDescription) in `\(located.path)` is not an MCC-MNC code such as "
                        + "\"452-04\" (three digits, a dash, two or three digits; quote it)", at: keyLocated)
                failed = true
                continue
            }
            let value = Located(node: valueNode, path: located.appending(key: scalar.string))
            guard let name = self.context.string(value) else {
                failed = true
                continue
            }
            guard name.count <= 64 else {
                self.context.report("operator name for \(scalar.string) is longer than 64 characters", at: value)
                failed = true
                continue
            }
            names[scalar.string] = name
        }
        return failed ? nil : names
    }

    /// `452-04`: three ASCII digits, a dash, two or three ASCII digits.
    static func isOperatorCode(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 3, (2...3).contains(parts[1].count) else { return false }
        return parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
