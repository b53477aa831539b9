/// What one commune's link does to traffic: a delay with jitter on echo replies (the user-space responder) and a
/// random loss of the packets it sends to the data centre (nftables).
public struct Impairment: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Fixed one-way delay added to every echo reply, seconds.
    public var delay: Double
    /// Uniform jitter half-width, seconds.
    public var jitter: Double
    /// Share of packets from the commune dropped at the data centre, 0…1.
    public var loss: Double

    /// A healthy link: no delay, no jitter, no loss.
    public static let none = Impairment(delay: 0, jitter: 0, loss: 0)

    /// Creates an impairment; values are clamped to their valid ranges.
    public init(delay: Double, jitter: Double = 0, loss: Double = 0) {
        self.delay = max(0, delay)
        self.jitter = max(0, jitter)
        self.loss = min(1, max(0, loss))
    }

    public var description: String {
        func ms(_ seconds: Double) -> String {
            let value = seconds * 1000
            return value == value.rounded() ? "\(Int(value))ms" : "\(value)ms"
        }
        let percent = self.loss * 100
        let lossText = percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
        return "delay \(ms(self.delay)) jitter \(ms(self.jitter)) loss \(lossText)"
    }
}
