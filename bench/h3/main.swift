// Micro benchmark of the Swift H3 (compiled -O with its sources by run.sh). Prints seconds per phase.
import Foundation

func seconds(_ body: () -> Void) -> Double {
    // Process CPU time: the machine is shared, wall time is noisy.
    let start = clock()
    body()
    return Double(clock() - start) / Double(CLOCKS_PER_SEC)
}

let args = CommandLine.arguments
let n = Int(args[1])!
let communesPath = args[2]

var rng = SystemRandomNumberGenerator()
let points = (0..<n).map { _ in
    LatLng(lat: Double.random(in: 8.5...23.4, using: &rng), lng: Double.random(in: 102.1...109.5, using: &rng))
}
var cells: [H3Index] = []
cells.reserveCapacity(n)
let tIndex = seconds { for p in points { cells.append(H3.latLngToCell(p, resolution: 8)) } }
// A drive-like track: 1,000,000 steps of about 14 m (one sample a second at 50 km/h).
var track: [LatLng] = []
track.reserveCapacity(n)
var q = LatLng(lat: 20.6, lng: 106.1)
for _ in 0..<n {
    q.lat += Double.random(in: -0.000127...0.000127, using: &rng)
    q.lng += Double.random(in: -0.000127...0.000127, using: &rng)
    track.append(q)
}
var trackCells: [H3Index] = []
trackCells.reserveCapacity(n)
let tTrack = seconds { for p in track { trackCells.append(H3.latLngToCell(p, resolution: 8)) } }
var locator = H3CellLocator(resolution: 8)
var located: [H3Index] = []
located.reserveCapacity(n)
let tLocator = seconds { for p in track { located.append(locator.cell(for: p)) } }
precondition(located == trackCells, "locator disagrees with latLngToCell")
var scattered = H3CellLocator(resolution: 8)
let tScattered = seconds { for p in points { sink += Double(scattered.cell(for: p).rawValue & 1) } }
let sample = Array(Set(cells.prefix(100_000)))
var sink = 0.0
let tCenter = seconds { for c in sample { sink += H3.cellToLatLng(c).lat } }
let tBoundary = seconds { for c in sample { sink += H3.cellToBoundary(c)[0].lat } }
let tArea = seconds { for c in sample { sink += H3.cellAreaKm2(c) } }
let tDisk = seconds { for c in sample { sink += Double(H3.gridDisk(c, k: 1).count) } }

let json =
    try! JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: communesPath))) as! [String: Any]
var communes: [GeoMultiPolygon] = []
for f in json["features"] as! [[String: Any]] {
    let geometry = f["geometry"] as! [String: Any]
    let polys = geometry["coordinates"] as! [[[[Double]]]]
    communes.append(
        GeoMultiPolygon(
            polygons: polys.map { rings in
                let r = rings.map { $0.map { LatLng(lat: $0[1], lng: $0[0]) } }
                return GeoPolygon(exterior: r[0], holes: Array(r.dropFirst()))
            }))
}
var filled = 0
let tFill = seconds { for c in communes { filled += H3.polygonToCells(c, resolution: 8).count } }
var filled10 = 0
let tFill10 = seconds { for c in communes { filled10 += H3.polygonToCells(c, resolution: 10).count } }
print("latLngToCell res8 \(n) points: \(tIndex) s")
print("latLngToCell res8 drive-like track \(n) points: \(tTrack) s")
print("H3CellLocator res8 same track: \(tLocator) s (\(locator.hits) from memory)")
print("H3CellLocator res8 the \(n) scattered points: \(tScattered) s (\(scattered.hits) from memory)")
print("cellToLatLng \(sample.count) cells: \(tCenter) s")
print("cellToBoundary \(sample.count) cells: \(tBoundary) s")
print("cellAreaKm2 \(sample.count) cells: \(tArea) s")
print("gridDisk k=1 \(sample.count) cells: \(tDisk) s")
print("polygonToCells res8 \(communes.count) communes (\(filled) cells): \(tFill) s")
print("polygonToCells res10 \(communes.count) communes (\(filled10) cells): \(tFill10) s")
if sink == 42 { print(sink) }
