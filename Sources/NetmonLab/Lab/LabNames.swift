/// The names a lab gives to what it creates, all derived from the lab's name so that `down` finds them by prefix.
///
/// Namespaces: `nml-<lab>-dc` (data centre) and `nml-<lab>-c<code>` (one per commune). Inside the data centre the
/// link to commune `<code>` is `c<code>`; inside a commune it is `dc`. The optional host link is `nmlh-<lab>` in
/// the root namespace and `host` in the data centre. nftables tables live inside the data centre namespace.
public struct LabNames: Sendable, Hashable {
    /// Prefix of every namespace of every lab.
    public static let namespacePrefix = "nml-"
    /// Prefix of the host-side veth of a lab's host link.
    public static let hostLinkPrefix = "nmlh-"
    /// The default lab name.
    public static let defaultLab = "lab"

    /// The lab's name: 1–8 lowercase letters or digits.
    public let lab: String

    /// Checks the lab name (it becomes part of interface names, which the kernel limits to 15 bytes).
    public init(lab: String) throws(LabError) {
        let allowed = lab.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard !lab.isEmpty, lab.count <= 8, allowed else {
            throw LabError(
                .invalidArgument, "a lab name is 1 to 8 lowercase letters or digits", context: "lab name '\(lab)'")
        }
        self.lab = lab
    }

    /// Prefix of this lab's namespaces.
    public var prefix: String { "\(Self.namespacePrefix)\(self.lab)-" }
    /// The data centre namespace.
    public var datacenter: String { "\(self.prefix)dc" }
    /// The namespace of commune `code`.
    public func commune(_ code: String) -> String { "\(self.prefix)c\(code)" }
    /// The data centre's interface towards commune `code`.
    public static func datacenterInterface(_ code: String) -> String { "c\(code)" }
    /// The commune's interface towards the data centre.
    public static let communeInterface = "dc"
    /// The host-side interface of the host link.
    public var hostInterface: String { "\(Self.hostLinkPrefix)\(self.lab)" }
    /// The data centre's interface of the host link.
    public static let datacenterHostInterface = "host"
    /// nftables table (family inet) holding the loss rules.
    public static let lossTable = "nml_loss"
    /// nftables table (family ip) masquerading commune traffic towards the host link.
    public static let natTable = "nml_nat"
}
