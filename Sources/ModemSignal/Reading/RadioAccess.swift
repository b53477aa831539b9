import NetmonProtocol

/// The radio access a modem reported its signal on, as the gateway sees it: 2G, 3G, 4G, 5G with an LTE anchor
/// (NSA, EN-DC) or 5G standalone.
///
/// CoverageModel's `Technology` has one 5G case, and the gateway does not link CoverageModel (it carries H3, the
/// geometry and the readers, none of which a gateway runs). So the gateway keeps the NSA/SA distinction here, and
/// `coverageTechnology` gives the report format's `Technology` (NetmonProtocol), so a reading becomes a signal
/// report without a second mapping table.
public enum RadioAccess: String, Sendable, Hashable, CaseIterable, Codable {
    case twoG = "2G"
    case threeG = "3G"
    case fourG = "4G"
    /// 5G non-standalone (EN-DC): an LTE anchor carries the connection, NR adds capacity.
    case fiveGNonStandalone = "5G-NSA"
    case fiveGStandalone = "5G-SA"
    /// Registered nowhere or measuring nothing: a place without service.
    case noService = "none"

    /// The technology of signal reports and coverage: 5G whether standalone or not.
    public var coverageTechnology: Technology {
        switch self {
        case .twoG: .twoG
        case .threeG: .threeG
        case .fourG: .fourG
        case .fiveGNonStandalone, .fiveGStandalone: .fiveG
        case .noService: .noService
        }
    }
}
