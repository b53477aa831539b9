import CoverageModel
import Foundation
import TestSupport

/// Expected answers from the reference H3 library, produced once per test run by `H3OracleScript`.
struct H3Oracle: Sendable {
    /// A cell's centre, area and boundary as the reference gives them.
    struct CellRecord: Sendable {
        var cell: H3Index
        var center: LatLng
        var areaKm2: Double
        var boundary: [LatLng]
    }

    var vietNamPoints: [(LatLng, [H3Index])] = []  // resolutions 6…10
    var globalPoints: [(LatLng, [H3Index])] = []  // resolutions 0…15
    var cells: [CellRecord] = []
    var parents: [(H3Index, Int, H3Index)] = []
    var children: [(H3Index, Int, [H3Index])] = []
    var disks: [(H3Index, Int, [H3Index])] = []
    var neighborPairs: [(H3Index, H3Index, Bool)] = []
    /// Commune code → polygons (exterior first, then holes).
    var communeRings: [String: [Int: [Int: [LatLng]]]] = [:]
    var polygonCells: [(String, Int, [H3Index])] = []

    /// Number of random points over Viet Nam.
    static let pointCount = 100_000

    /// The communes file, from the repository.
    static var communesPath: String { TestData.communesGeoJSON }

    /// Whether `python3` can import `h3` 4.x.
    static let isAvailable: Bool = {
        guard let out = try? run(["python3", "-c", "import h3; print(h3.__version__)"]) else { return false }
        return out.hasPrefix("4.")
    }()

    /// The oracle, generated on first use; `nil` when generation failed (the failing test says why).
    static let shared: Result<H3Oracle, OracleError> = {
        let dir = FileManager.default.temporaryDirectory
        let tag = UUID().uuidString
        let script = dir.appendingPathComponent("netmon-h3-oracle-\(tag).py")
        let output = dir.appendingPathComponent("netmon-h3-oracle-\(tag).txt")
        defer {
            try? FileManager.default.removeItem(at: script)
            try? FileManager.default.removeItem(at: output)
        }
        do {
            try H3OracleScript.source.write(to: script, atomically: true, encoding: .utf8)
            _ = try run(["python3", script.path, output.path, communesPath, String(pointCount)])
            return .success(try parse(Array(try Data(contentsOf: output))))
        } catch let error as OracleError {
            return .failure(error)
        } catch {
            return .failure(OracleError(message: "\(error)"))
        }
    }()

    struct OracleError: Error, CustomStringConvertible {
        var message: String
        var description: String { self.message }
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = pipe
        process.standardError = errPipe
        try process.run()
        let data = pipe.fileHandleForReading.readToEndRetryingInterrupts()
        let errData = errPipe.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OracleError(
                message: "\(arguments.prefix(2).joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the oracle output: space-separated records, one a line (a byte scanner: the file is ~20 MB).
    static func parse(_ bytes: [UInt8]) throws -> H3Oracle {
        var o = H3Oracle()
        var sawEnd = false
        var buffer = bytes
        buffer.append(0)
        try buffer.withUnsafeBufferPointer { raw in
            var s = Scanner(base: raw)
            while !s.atEnd {
                let line = s.line
                let tag = s.word()
                switch tag {
                case "V", "G":
                    let p = LatLng(lat: try s.double(), lng: try s.double())
                    var cells: [H3Index] = []
                    while !s.atLineEnd { cells.append(try s.cell()) }
                    if tag == "V" { o.vietNamPoints.append((p, cells)) } else { o.globalPoints.append((p, cells)) }
                case "B":
                    let cell = try s.cell()
                    let center = LatLng(lat: try s.double(), lng: try s.double())
                    let area = try s.double()
                    let count = try s.int()
                    var boundary: [LatLng] = []
                    for _ in 0..<count { boundary.append(LatLng(lat: try s.double(), lng: try s.double())) }
                    o.cells.append(CellRecord(cell: cell, center: center, areaKm2: area, boundary: boundary))
                case "U": o.parents.append((try s.cell(), try s.int(), try s.cell()))
                case "H", "D":
                    let cell = try s.cell()
                    let n = try s.int()
                    let count = try s.int()
                    var cells: [H3Index] = []
                    for _ in 0..<count { cells.append(try s.cell()) }
                    if tag == "H" { o.children.append((cell, n, cells)) } else { o.disks.append((cell, n, cells)) }
                case "A": o.neighborPairs.append((try s.cell(), try s.cell(), try s.int() == 1))
                case "R":
                    let code = s.word()
                    let poly = try s.int()
                    let ring = try s.int()
                    let count = try s.int()
                    var points: [LatLng] = []
                    for _ in 0..<count { points.append(LatLng(lat: try s.double(), lng: try s.double())) }
                    o.communeRings[code, default: [:]][poly, default: [:]][ring] = points
                case "Y":
                    let code = s.word()
                    let res = try s.int()
                    let count = try s.int()
                    var cells: [H3Index] = []
                    for _ in 0..<count { cells.append(try s.cell()) }
                    o.polygonCells.append((code, res, cells))
                case "END": sawEnd = true
                default: throw OracleError(message: "oracle line \(line): unknown record \(tag)")
                }
                guard s.atLineEnd else { throw OracleError(message: "oracle line \(line): trailing data") }
                s.nextLine()
            }
        }
        guard sawEnd else { throw OracleError(message: "oracle output truncated") }
        return o
    }

    /// Tokens of the oracle file, on a NUL-terminated byte buffer.
    private struct Scanner {
        let base: UnsafeBufferPointer<UInt8>
        var position = 0
        var line = 1

        init(base: UnsafeBufferPointer<UInt8>) { self.base = base }

        var atEnd: Bool { self.base[self.position] == 0 }
        var atLineEnd: Bool { self.base[self.position] == 10 || self.base[self.position] == 0 }

        mutating func skipSpaces() { while self.base[self.position] == 32 { self.position += 1 } }

        mutating func nextLine() {
            while !self.atLineEnd { self.position += 1 }
            if self.base[self.position] == 10 {
                self.position += 1
                self.line += 1
            }
        }

        mutating func word() -> String {
            self.skipSpaces()
            let start = self.position
            while self.base[self.position] != 32 && !self.atLineEnd { self.position += 1 }
            let w = String(decoding: UnsafeBufferPointer(rebasing: self.base[start..<self.position]), as: UTF8.self)
            self.skipSpaces()
            return w
        }

        mutating func double() throws -> Double {
            self.skipSpaces()
            let start = self.base.baseAddress! + self.position
            var end: UnsafeMutablePointer<CChar>?
            let value = start.withMemoryRebound(to: CChar.self, capacity: 1) { strtod($0, &end) }
            let consumed = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? 0
            guard consumed > 0 else { throw OracleError(message: "oracle line \(self.line): bad number") }
            self.position += consumed
            self.skipSpaces()
            return value
        }

        mutating func int() throws -> Int { Int(try self.double()) }

        mutating func cell() throws -> H3Index {
            self.skipSpaces()
            var value: UInt64 = 0
            var digits = 0
            while true {
                let b = self.base[self.position]
                let d: UInt64
                if b >= 48 && b <= 57 {
                    d = UInt64(b - 48)
                } else if b >= 97 && b <= 102 {
                    d = UInt64(b - 87)
                } else {
                    break
                }
                value = value << 4 | d
                digits += 1
                self.position += 1
            }
            self.skipSpaces()
            guard digits > 0, H3Index(rawValue: value).isValid else {
                throw OracleError(message: "oracle line \(self.line): bad cell")
            }
            return H3Index(rawValue: value)
        }
    }

    /// The commune as a multipolygon.
    func commune(_ code: String) -> GeoMultiPolygon {
        let polys = self.communeRings[code] ?? [:]
        return GeoMultiPolygon(
            polygons: polys.keys.sorted().map { p in
                let rings = polys[p]!
                return GeoPolygon(
                    exterior: rings[0] ?? [], holes: rings.keys.sorted().dropFirst().map { rings[$0]! })
            })
    }
}
