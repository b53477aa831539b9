import Foundation

/// Runs CPU-heavy work (coverage analysis, report parsing) on a thread of its own, so that it never holds one of
/// Swift's few cooperative threads for long.
enum WorkerThread {
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
