#if canImport(Glibc)
    import Glibc
#endif

/// printf-style formatting of one number by the C library, for the command-line outputs.
///
/// Foundation's `String(format:)` prints the same digits but sets up CoreFoundation's formatter and locale data on
/// first use, several megabytes of pages for a `ping` run whose own working set is a few. The process never calls
/// `setlocale`, so the C library formats in the "C" locale: `.` as the decimal point, no grouping.
enum CNumberFormat {
    /// `value` with `decimals` digits after the point (`%.Nf`), correctly rounded as printf does.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let format = "%.\(max(0, min(decimals, 20)))f"
        var capacity = 64
        while true {
            let (count, text) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) {
                buffer -> (Int, String?) in
                let count = Int(withVaList([value]) { vsnprintf(buffer.baseAddress, capacity, format, $0) })
                guard count >= 0, count < capacity else { return (count, nil) }
                return (count, String(cString: buffer.baseAddress!))
            }
            if let text { return text }
            guard count > 0 else { return value.description }  // an encoding error cannot happen for %f
            capacity = count + 1
        }
    }
}
