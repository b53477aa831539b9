import Foundation
import ProbeAgent

/// A measurement for tests.
func measurement(
    target: String = "hub", start: Date, step: Double = 60, sent: Int = 20, rtts: [Double] = [0.010, 0.012, 0.011],
    jitter: Double? = 0.001
) -> RoundMeasurement {
    RoundMeasurement(
        commune: "12345", target: target, address: "127.0.0.1", kind: "icmp", start: start, stepSeconds: step,
        sent: sent, received: rtts.count, rttSeconds: rtts.sorted(), jitterSeconds: jitter)
}
