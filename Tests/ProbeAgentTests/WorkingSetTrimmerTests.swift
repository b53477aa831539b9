import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ProbeAgent

@Suite struct WorkingSetTrimmerTests {
    @Test(
        "the trimmer trims on its schedule, releases pages each time and stops on graceful shutdown",
        .timeLimit(.minutes(1)))
    func trimsOnScheduleAndStops() async throws {
        let reports = Mutex<[WorkingSetTrim.Report]>([])
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let trimmer = WorkingSetTrimmer(
            firstTrims: [.milliseconds(20), .milliseconds(60)], interval: .milliseconds(40),
            logger: Logger(label: "test.trimmer")
        ) { report in
            let count = reports.withLock {
                $0.append(report)
                return $0.count
            }
            continuation.yield(count)
        }
        let group = ServiceGroup(configuration: .init(services: [trimmer], logger: Logger(label: "test.group")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Two scheduled trims, then two on the interval.
            for await count in stream where count >= 4 { break }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let seen = reports.withLock { $0 }
        #expect(seen.count >= 4)
        // Code pages come back between trims, so each trim finds some to release.
        #expect(seen.allSatisfy { $0.mappings > 0 && $0.releasedKiB > 0 })
        #expect(seen.allSatisfy { $0.residentBeforeKiB != nil && $0.residentAfterKiB != nil })
    }
}
