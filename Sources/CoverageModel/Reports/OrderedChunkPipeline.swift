import Foundation

/// A bounded, ordered hand-off between one producer thread (reading chunks), worker threads (turning chunks
/// into outputs, in any order) and one consumer (taking the outputs back in the order the chunks were read).
///
/// At most `limit` chunks are between being read and being consumed, so memory stays constant whatever the
/// size of the input. `cancel()` makes every waiting party give up; `waitForThreads()` returns once every
/// thread started with `spawn` has finished.
final class OrderedChunkPipeline<Work, Output>: @unchecked Sendable {
    // @unchecked Sendable: every stored property below is read and written only while `condition` is
    // locked; a work item or output belongs to exactly one thread once taken out.
    private let condition = NSCondition()
    private var work: [(Int, Work)] = []
    private var workHead = 0
    private var outputs: [Int: Output] = [:]
    private var produced = 0
    private var producerDone = false
    private var producerError: (any Error)?
    private var inFlight = 0
    private let limit: Int
    private var cancelled = false
    private var running = 0

    /// What the consumer gets for the next chunk number.
    enum Next {
        case output(Output)
        /// No more chunks; the producer's error, if it stopped on one.
        case end((any Error)?)
    }

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    private func locked<R>(_ body: () -> R) -> R {
        self.condition.lock()
        defer { self.condition.unlock() }
        return body()
    }

    /// Producer: waits until a chunk may be read; false once cancelled.
    func waitForSlot() -> Bool {
        self.locked {
            while self.inFlight >= self.limit && !self.cancelled { self.condition.wait() }
            if self.cancelled { return false }
            self.inFlight += 1
            return true
        }
    }

    /// Producer: hands in the chunk read after `waitForSlot()` returned true.
    func submit(_ item: Work) {
        self.locked {
            self.work.append((self.produced, item))
            self.produced += 1
            self.condition.broadcast()
        }
    }

    /// Producer: no more chunks (the slot taken last is given back), with the error that stopped reading.
    func finishProducing(error: (any Error)?) {
        self.locked {
            self.inFlight -= 1
            self.producerDone = true
            self.producerError = error
            self.condition.broadcast()
        }
    }

    /// Worker: the next chunk and its number, or nil when there will be no more (or on cancel).
    func takeWork() -> (Int, Work)? {
        self.locked {
            while self.workHead == self.work.count && !self.producerDone && !self.cancelled { self.condition.wait() }
            if self.cancelled || self.workHead == self.work.count { return nil }
            let item = self.work[self.workHead]
            self.workHead += 1
            if self.workHead > 64 && self.workHead * 2 > self.work.count {
                self.work.removeFirst(self.workHead)
                self.workHead = 0
            }
            return item
        }
    }

    /// Worker: the output of chunk `number`.
    func deliver(_ number: Int, _ output: Output) {
        self.locked {
            self.outputs[number] = output
            self.condition.broadcast()
        }
    }

    /// Consumer: waits for the output of chunk `number` (numbers taken in order from 0), which frees its slot.
    func next(_ number: Int) -> Next {
        self.locked {
            while true {
                if let output = self.outputs.removeValue(forKey: number) {
                    self.inFlight -= 1
                    self.condition.broadcast()
                    return .output(output)
                }
                if self.producerDone && number >= self.produced { return .end(self.producerError) }
                if self.cancelled { return .end(CancellationError()) }
                self.condition.wait()
            }
        }
    }

    /// Consumer: frees the slot of a chunk it took itself with `takeWork()` (and will not wait for with `next`).
    func release() {
        self.locked {
            self.inFlight -= 1
            self.condition.broadcast()
        }
    }

    /// Makes every waiting party give up.
    func cancel() {
        self.locked {
            self.cancelled = true
            self.condition.broadcast()
        }
    }

    /// Runs `body` on a thread of its own (blocking reads and CPU-bound parsing stay off the cooperative pool).
    func spawn(_ body: @escaping @Sendable () -> Void) {
        self.locked { self.running += 1 }
        let thread = Thread {
            body()
            self.locked {
                self.running -= 1
                self.condition.broadcast()
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits until every spawned thread has finished, then returns the chunks nobody took (to be freed).
    func waitForThreads() -> [Work] {
        self.locked {
            while self.running > 0 { self.condition.wait() }
            let left = self.work[self.workHead...].map(\.1)
            self.work.removeAll()
            self.workHead = 0
            return left
        }
    }
}

/// Moves a value that is not `Sendable` to exactly one other thread; the sender keeps no reference to it.
struct TransferredToThread<Value>: @unchecked Sendable {
    var value: Value
}
