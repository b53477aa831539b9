/// The communes sorted by code with their H3 cells (polygon-to-cells of each boundary, centre containment),
/// computed once and reused by every analysis at the same resolution: filling the polygons is most of an
/// analysis's work, and boundaries do not change while a server runs.
public struct CommuneGrid: Sendable {
    /// The communes, sorted by code.
    public let communes: [CommuneBoundary]
    public let resolution: Int
    /// Cells of each commune, parallel to `communes`. A cell claimed by two communes (overlapping boundaries)
    /// stays with the first in code order.
    public let cells: [[H3Index]]
    /// Cells claimed by more than one commune.
    public let overlapping: Int

    public init(communes: [CommuneBoundary], resolution: Int) {
        let sorted = communes.sorted { $0.code < $1.code }
        let (cells, overlapping) = CoverageAnalysis.communeCells(sorted, resolution: resolution)
        self.communes = sorted
        self.resolution = resolution
        self.cells = cells
        self.overlapping = overlapping
    }
}
