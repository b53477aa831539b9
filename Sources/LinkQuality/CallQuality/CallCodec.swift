/// The voice codec a meeting is assumed to use, with its ITU-T G.113 Appendix I impairment values for the E-model.
///
/// Narrowband values only: the G.107 E-model is narrowband, and G.113 gives no narrowband Ie/Bpl for Opus (the
/// wideband E-model of G.107.1 has its own scale). Meeting platforms' wideband codecs are therefore judged as
/// G.711 with packet-loss concealment, the closest listed case.
public enum CallCodec: String, Sendable, Hashable, Codable, CaseIterable {
    /// G.711 (64 kbit/s PCM) with packet-loss concealment (G.711 Appendix I): Ie = 0, Bpl = 25.1.
    case g711PLC = "g711-plc"
    /// G.711 without concealment (lost packets played as silence): Ie = 0, Bpl = 4.3.
    case g711 = "g711"
    /// G.729A with VAD (8 kbit/s CS-ACELP): Ie = 11, Bpl = 19.0; 5 ms look-ahead.
    case g729a = "g729a"

    /// Equipment impairment factor Ie.
    public var equipmentImpairment: Double {
        switch self {
        case .g711PLC, .g711: 0
        case .g729a: 11
        }
    }

    /// Packet-loss robustness factor Bpl (random loss).
    public var packetLossRobustness: Double {
        switch self {
        case .g711PLC: 25.1
        case .g711: 4.3
        case .g729a: 19.0
        }
    }

    /// The coder's look-ahead in milliseconds, added to the packetisation delay.
    public var lookAheadMs: Double {
        switch self {
        case .g711PLC, .g711: 0
        case .g729a: 5
        }
    }
}
