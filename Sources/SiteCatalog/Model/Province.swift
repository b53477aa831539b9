/// The province whose network and coverage netmon watches.
public struct Province: Sendable, Hashable {
    /// Its name, e.g. `Hưng Yên`.
    public var name: String
    /// Its GSO code as a string, e.g. `"33"`.
    public var code: String
    /// The boundaries setting as written (relative to sites.yaml's folder), nil when the file names none.
    public var boundaries: String?
    /// `boundaries` resolved to an absolute path, nil when the file names none.
    public var boundariesPath: String?
    /// Whether sites.yaml must list every commune of the boundaries file (`require_all_communes`, default true).
    /// Lab and demo files that describe a few communes set it to false.
    public var requiresAllCommunes: Bool

    /// Creates a province.
    public init(
        name: String, code: String, boundaries: String?, boundariesPath: String?, requiresAllCommunes: Bool = true
    ) {
        self.name = name
        self.code = code
        self.boundaries = boundaries
        self.boundariesPath = boundariesPath
        self.requiresAllCommunes = requiresAllCommunes
    }
}
