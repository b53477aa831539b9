/// A FIFO ring buffer that grows up to a fixed capacity; pushing onto a full queue drops the oldest element.
struct BoundedQueue<Element> {
    private var storage: [Element] = []
    private var head = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var isEmpty: Bool { self.count == 0 }

    /// `index` (below twice the storage's size) wrapped into the storage, without a division.
    @inline(__always)
    private func wrapped(_ index: Int) -> Int {
        index >= self.storage.count ? index - self.storage.count : index
    }

    var first: Element? { self.count == 0 ? nil : self.storage[self.head] }

    /// Appends, dropping the oldest element when the queue holds `capacity` elements. Returns whether one was dropped.
    @discardableResult
    mutating func append(_ element: Element) -> Bool {
        if self.count == self.storage.count {
            if self.storage.count < self.capacity {
                if self.head != 0 {
                    self.storage = Array(self.storage[self.head...] + self.storage[..<self.head])
                    self.head = 0
                }
                self.storage.append(element)
                self.count += 1
                return false
            }
            self.storage[self.head] = element
            self.head = self.wrapped(self.head + 1)
            return true
        }
        self.storage[self.wrapped(self.head + self.count)] = element
        self.count += 1
        return false
    }

    @discardableResult
    mutating func removeFirst() -> Element? {
        guard self.count > 0 else { return nil }
        let element = self.storage[self.head]
        self.count -= 1
        self.head = self.count == 0 ? 0 : self.wrapped(self.head + 1)
        return element
    }

    mutating func removeAll() {
        self.storage = []
        self.head = 0
        self.count = 0
    }

    /// The element `offset` places after the oldest.
    subscript(offset: Int) -> Element {
        get { self.storage[self.wrapped(self.head + offset)] }
        set { self.storage[self.wrapped(self.head + offset)] = newValue }
    }
}
