/// The radio access technology a signal report was taken on: the vocabulary of signal reports (drive tests,
/// gateway modems), coverage and sites.yaml's coverage floors.
///
/// `noService` is a place where the device had no service at all: it counts as a measured row but
/// covers nothing.
public enum Technology: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case twoG = "2G"
    case threeG = "3G"
    case fourG = "4G"
    case fiveG = "5G"
    case noService = "none"

    /// The technologies that coverage is judged for, in report order.
    public static let judged: [Technology] = [.threeG, .fourG, .fiveG]

    /// Parses the canonical spelling (`2G`, `3G`, `4G`, `5G`, `none`) and a few common synonyms
    /// (`LTE`, `NR`, `UMTS`, `GSM`), case-insensitively.
    @inlinable
    public init?(canonical text: String) {
        switch text.lowercased() {
        case "2g", "gsm": self = .twoG
        case "3g", "umts": self = .threeG
        case "4g", "lte": self = .fourG
        case "5g", "nr": self = .fiveG
        case "none", "no service", "noservice": self = .noService
        default: return nil
        }
    }

    @usableFromInline
    var order: Int {
        switch self {
        case .twoG: 2
        case .threeG: 3
        case .fourG: 4
        case .fiveG: 5
        case .noService: 0
        }
    }

    @inlinable
    public static func < (lhs: Technology, rhs: Technology) -> Bool { lhs.order < rhs.order }
}
