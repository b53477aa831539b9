import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension ProbeRoundBatch {
    /// Decodes a batch in the shape probes send, without Foundation's `JSONDecoder` (which spends most of the
    /// server's ingest time in generic container machinery).
    ///
    /// The fast path takes strict JSON: an object with `probe_id`, `rounds` and optionally `health` (any order,
    /// unknown keys skipped; a round's `directions` and the `health` object are read by `JSONDecoder`), strings without escapes, integers without fraction or exponent, round starts as whole
    /// seconds in UTC (`2026-11-29T06:00:00Z`). Anything else — escapes, fractional or offset times, duplicate or
    /// missing keys, malformed JSON, non-ASCII outside the known strings — returns nil, and the caller decodes with
    /// `JSONDecoder`, which then gives the same value or a precise error. Whenever this returns a batch, it equals
    /// what `JSONDecoder` (with ``WireCoding/makeDecoder()``) decodes from the same bytes.
    public static func decodeFast(_ bytes: UnsafeRawBufferPointer) -> ProbeRoundBatch? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var scanner = FastWireScanner(base: base, count: bytes.count)
        guard let batch = scanner.batch() else { return nil }
        scanner.skipWhitespace()
        return scanner.index == scanner.count ? batch : nil
    }
}

/// The byte scanner behind ``ProbeRoundBatch/decodeFast(_:)``: every method returns nil (or false) as soon as the
/// input leaves the fast path.
struct FastWireScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    /// Nesting depth while skipping unknown values (deeper documents go to the slow path).
    static let maxDepth = 32

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    // MARK: - The batch

    mutating func batch() -> ProbeRoundBatch? {
        guard self.consume(UInt8(ascii: "{")) else { return nil }
        var probeID: String?
        var rounds: [ProbeRound]?
        var health: ProbeHealthReport?
        var seenHealth = false
        if self.consume(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = self.keyRange(), self.consume(UInt8(ascii: ":")) else { return nil }
            if self.equals(key, "probe_id") {
                guard probeID == nil, let value = self.string() else { return nil }
                probeID = value
            } else if self.equals(key, "rounds") {
                guard rounds == nil, let value = self.rounds() else { return nil }
                rounds = value
            } else if self.equals(key, "health") {
                guard !seenHealth else { return nil }
                seenHealth = true
                self.skipWhitespace()
                let start = self.index
                guard self.skipValue(depth: 0) else { return nil }
                if !self.isNull(start..<self.index) {
                    let slice = UnsafeRawBufferPointer(start: self.base + start, count: self.index - start)
                    guard let report = try? WireCoding.makeDecoder().decode(ProbeHealthReport.self, from: Data(slice))
                    else { return nil }
                    health = report
                }
            } else {
                guard self.skipValue(depth: 0) else { return nil }
            }
        } while self.consume(UInt8(ascii: ","))
        guard self.consume(UInt8(ascii: "}")), let probeID, let rounds else { return nil }
        return ProbeRoundBatch(probeID: probeID, rounds: rounds, health: health)
    }

    mutating func rounds() -> [ProbeRound]? {
        guard self.consume(UInt8(ascii: "[")) else { return nil }
        var result: [ProbeRound] = []
        if self.consume(UInt8(ascii: "]")) { return result }
        repeat {
            guard let round = self.round() else { return nil }
            result.append(round)
        } while self.consume(UInt8(ascii: ","))
        return self.consume(UInt8(ascii: "]")) ? result : nil
    }

    mutating func round() -> ProbeRound? {
        guard self.consume(UInt8(ascii: "{")) else { return nil }
        var probeID: String?
        var sequence: Int64?
        var commune: String?
        var target: String?
        var address: String?
        var kind: String?
        var start: Date?
        var step: Double?
        var sent: Int64?
        var received: Int64?
        var rtts: [Double]?
        var jitter: Double?
        var seenJitter = false
        var storeID: String?
        var seenStoreID = false
        var directions: RoundDirections?
        var seenDirections = false
        if self.consume(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = self.keyRange(), self.consume(UInt8(ascii: ":")) else { return nil }
            switch key.count {
            case 4 where self.equals(key, "sent"):
                guard sent == nil, let v = self.integer() else { return nil }
                sent = v
            case 4 where self.equals(key, "kind"):
                guard kind == nil, let v = self.string() else { return nil }
                kind = v
            case 5 where self.equals(key, "start"):
                guard start == nil, let v = self.wholeSecondUTC() else { return nil }
                start = v
            case 6 where self.equals(key, "target"):
                guard target == nil, let v = self.string() else { return nil }
                target = v
            case 7 where self.equals(key, "commune"):
                guard commune == nil, let v = self.string() else { return nil }
                commune = v
            case 7 where self.equals(key, "address"):
                guard address == nil, let v = self.string() else { return nil }
                address = v
            case 8 where self.equals(key, "probe_id"):
                guard probeID == nil, let v = self.string() else { return nil }
                probeID = v
            case 8 where self.equals(key, "sequence"):
                guard sequence == nil, let v = self.integer() else { return nil }
                sequence = v
            case 8 where self.equals(key, "store_id"):
                guard !seenStoreID else { return nil }
                seenStoreID = true
                if !self.literal("null") {
                    guard let v = self.string() else { return nil }
                    storeID = v
                }
            case 8 where self.equals(key, "received"):
                guard received == nil, let v = self.integer() else { return nil }
                received = v
            case 10 where self.equals(key, "directions"):
                // A STAMP round's breakdown: rare and small, so JSONDecoder reads just this value.
                guard !seenDirections else { return nil }
                seenDirections = true
                self.skipWhitespace()
                let start = self.index
                // Non-ASCII text (a withheld delay's reason says ±) may stay: JSONDecoder validates the slice.
                guard self.skipValue(depth: 1, allowingNonASCII: true) else { return nil }
                if !self.isNull(start..<self.index) {
                    let slice = UnsafeRawBufferPointer(start: self.base + start, count: self.index - start)
                    guard let value = try? WireCoding.makeDecoder().decode(RoundDirections.self, from: Data(slice))
                    else { return nil }
                    directions = value
                }
            case 11 where self.equals(key, "rtt_seconds"):
                guard rtts == nil, let v = self.doubles() else { return nil }
                rtts = v
            case 12 where self.equals(key, "step_seconds"):
                guard step == nil, let v = self.double() else { return nil }
                step = v
            case 14 where self.equals(key, "jitter_seconds"):
                guard !seenJitter else { return nil }
                seenJitter = true
                if self.literal("null") {
                    jitter = nil
                } else {
                    guard let v = self.double() else { return nil }
                    jitter = v
                }
            default:
                guard self.skipValue(depth: 1) else { return nil }
            }
        } while self.consume(UInt8(ascii: ","))
        guard self.consume(UInt8(ascii: "}")), let probeID, let sequence, let commune, let target, let address,
            let kind, let start, let step, let sent, let received, let rtts,
            let sentInt = Int(exactly: sent), let receivedInt = Int(exactly: received)
        else { return nil }
        return ProbeRound(
            probeID: probeID, sequence: sequence, commune: commune, target: target, address: address, kind: kind,
            start: start, stepSeconds: step, sent: sentInt, received: receivedInt, rttSeconds: rtts,
            jitterSeconds: jitter, storeID: storeID, directions: directions)
    }

    mutating func doubles() -> [Double]? {
        guard self.consume(UInt8(ascii: "[")) else { return nil }
        var result: [Double] = []
        result.reserveCapacity(32)
        if self.consume(UInt8(ascii: "]")) { return result }
        repeat {
            guard let v = self.double() else { return nil }
            result.append(v)
        } while self.consume(UInt8(ascii: ","))
        return self.consume(UInt8(ascii: "]")) ? result : nil
    }

    // MARK: - Tokens

    mutating func skipWhitespace() {
        while self.index < self.count {
            switch self.base[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        self.skipWhitespace()
        guard self.index < self.count, self.base[self.index] == byte else { return false }
        self.index += 1
        return true
    }

    mutating func literal(_ word: StaticString) -> Bool {
        self.skipWhitespace()
        let n = word.utf8CodeUnitCount
        guard self.count - self.index >= n, memcmp(self.base + self.index, word.utf8Start, n) == 0 else { return false }
        self.index += n
        return true
    }

    func isNull(_ range: Range<Int>) -> Bool {
        range.count == 4 && memcmp(self.base + range.lowerBound, "null", 4) == 0
    }

    func equals(_ range: Range<Int>, _ key: StaticString) -> Bool {
        range.count == key.utf8CodeUnitCount && memcmp(self.base + range.lowerBound, key.utf8Start, range.count) == 0
    }

    /// The bytes of a string without escapes or control characters (quotes excluded).
    mutating func stringRange() -> Range<Int>? {
        guard self.consume(UInt8(ascii: "\"")) else { return nil }
        let start = self.index
        while self.index < self.count {
            let c = self.base[self.index]
            if c == UInt8(ascii: "\"") {
                defer { self.index += 1 }
                return start..<self.index
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            self.index += 1
        }
        return nil
    }

    /// An object key: ASCII only on the fast path (JSONDecoder validates every key's UTF-8, known or not).
    mutating func keyRange() -> Range<Int>? {
        guard let range = self.stringRange(),
            UnsafeBufferPointer(start: self.base + range.lowerBound, count: range.count).allSatisfy({ $0 < 0x80 })
        else { return nil }
        return range
    }

    /// A string value: ASCII taken as is, anything else validated as UTF-8.
    mutating func string() -> String? {
        guard let range = self.stringRange() else { return nil }
        let bytes = UnsafeBufferPointer(start: self.base + range.lowerBound, count: range.count)
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// An integer: `-?(0|[1-9][0-9]*)` not followed by a fraction or exponent, within Int64.
    mutating func integer() -> Int64? {
        self.skipWhitespace()
        var i = self.index
        let negative = i < self.count && self.base[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let digitsStart = i
        var value: Int64 = 0
        while i < self.count, self.base[i] >= 0x30, self.base[i] <= 0x39 {
            let digit = Int64(self.base[i] - 0x30)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = a
            i += 1
        }
        let digits = i - digitsStart
        guard digits > 0, !(digits > 1 && self.base[digitsStart] == 0x30) else { return nil }
        if i < self.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(self.base[i]) {
            return nil
        }
        self.index = i
        return value
    }

    /// The end of a JSON number starting at `index` (strict grammar), or nil.
    func numberEnd() -> Int? {
        var i = self.index
        func digits(_ i: inout Int) -> Int {
            let start = i
            while i < self.count, self.base[i] >= 0x30, self.base[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < self.count, self.base[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let intDigits = digits(&i)
        guard intDigits > 0, !(intDigits > 1 && self.base[intStart] == 0x30) else { return nil }
        if i < self.count, self.base[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&i) > 0 else { return nil }
        }
        if i < self.count, self.base[i] == UInt8(ascii: "e") || self.base[i] == UInt8(ascii: "E") {
            i += 1
            if i < self.count, self.base[i] == UInt8(ascii: "+") || self.base[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&i) > 0 else { return nil }
        }
        return i
    }

    /// A finite double, correctly rounded by `strtod` (as Foundation's JSON decoder does).
    mutating func double() -> Double? {
        self.skipWhitespace()
        guard let end = self.numberEnd() else { return nil }
        let length = end - self.index
        guard length < 64 else { return nil }
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            guard let out = buffer.baseAddress else { return nil }
            UnsafeMutableRawPointer(out).copyMemory(from: self.base + self.index, byteCount: length)
            out[length] = 0
            return strtod(out, nil)
        }
        guard let value, value.isFinite else { return nil }
        self.index = end
        return value
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` exactly (the probes' encoding), as a date; other forms return nil.
    mutating func wholeSecondUTC() -> Date? {
        guard let range = self.stringRange(), range.count == 20 else { return nil }
        let p = self.base + range.lowerBound
        func number(_ offset: Int, _ width: Int) -> Int? {
            var v = 0
            for k in 0..<width {
                let c = p[offset + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[10] == UInt8(ascii: "T"),
            p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":"), p[19] == UInt8(ascii: "Z"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2),
            year >= 1970, (1...12).contains(month), hour < 24, minute < 60, second < 60,
            day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        let days = RFC3339.daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Skips one value of any kind; strings with escapes or non-ASCII bytes (unless `allowingNonASCII`, for a value
    /// JSONDecoder then reads, validating it), and deep nesting, leave the fast path.
    mutating func skipValue(depth: Int, allowingNonASCII: Bool = false) -> Bool {
        guard depth < Self.maxDepth else { return false }
        self.skipWhitespace()
        guard self.index < self.count else { return false }
        switch self.base[self.index] {
        case UInt8(ascii: "\""):
            guard let range = self.stringRange() else { return false }
            return allowingNonASCII
                || UnsafeBufferPointer(start: self.base + range.lowerBound, count: range.count).allSatisfy { $0 < 0x80 }
        case UInt8(ascii: "{"):
            self.index += 1
            if self.consume(UInt8(ascii: "}")) { return true }
            repeat {
                guard self.keyRange() != nil, self.consume(UInt8(ascii: ":")),
                    self.skipValue(depth: depth + 1, allowingNonASCII: allowingNonASCII)
                else { return false }
            } while self.consume(UInt8(ascii: ","))
            return self.consume(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            self.index += 1
            if self.consume(UInt8(ascii: "]")) { return true }
            repeat {
                guard self.skipValue(depth: depth + 1, allowingNonASCII: allowingNonASCII) else { return false }
            } while self.consume(UInt8(ascii: ","))
            return self.consume(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): return self.literal("true")
        case UInt8(ascii: "f"): return self.literal("false")
        case UInt8(ascii: "n"): return self.literal("null")
        default:
            guard let end = self.numberEnd() else { return false }
            self.index = end
            return true
        }
    }
}
