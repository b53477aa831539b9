/// Selection of the k-th smallest value in place (quickselect, median-of-three pivots, insertion sort for
/// short ranges), for medians without a full sort.
enum MedianSelection {
    /// Reorders `a` so that `a[k]` is the value a sort would put there, everything before it is at most
    /// `a[k]` and everything after it at least `a[k]`. The values must not be NaN.
    static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) {
        precondition(k >= 0 && k < a.count, "k outside the values")
        var lo = 0
        var hi = a.count - 1
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo
            var j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // a[lo...j] ≤ pivot, a[(j + 1)..<i] == pivot, a[i...hi] ≥ pivot.
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
        guard lo < hi else { return }
        for x in (lo + 1)...hi {
            let v = a[x]
            var y = x
            while y > lo && a[y - 1] > v {
                a[y] = a[y - 1]
                y -= 1
            }
            a[y] = v
        }
    }
}
