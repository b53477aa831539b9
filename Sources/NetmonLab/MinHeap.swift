/// A binary min-heap ordered by a caller-supplied "less than".
struct MinHeap<Element> {
    private var storage: [Element] = []
    private let less: (Element, Element) -> Bool

    init(by less: @escaping (Element, Element) -> Bool) { self.less = less }

    var first: Element? { self.storage.first }
    var count: Int { self.storage.count }

    mutating func insert(_ element: Element) {
        self.storage.append(element)
        var child = self.storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.less(self.storage[child], self.storage[parent]) else { break }
            self.storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> Element? {
        guard !self.storage.isEmpty else { return nil }
        self.storage.swapAt(0, self.storage.count - 1)
        let first = self.storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < self.storage.count && self.less(self.storage[left], self.storage[smallest]) { smallest = left }
            if right < self.storage.count && self.less(self.storage[right], self.storage[smallest]) { smallest = right }
            if smallest == parent { break }
            self.storage.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
