import Foundation

/// The E-model of ITU-T G.107 (06/2015): the transmission rating R of a narrowband telephone connection and its
/// estimated MOS (Annex B).
///
/// R = Ro − Is − Id − Ie,eff + A: the basic signal-to-noise ratio Ro, the impairments simultaneous with the voice
/// (Is: loudness, sidetone, quantising), the delay impairments (Id: talker echo, listener echo, absolute delay),
/// the equipment impairment of codec and packet loss (Ie,eff) and the advantage factor A. With every parameter at
/// its default, R = 93.2 (Ro = 94.77, Is = 1.41, Id = 0.15).
public enum EModel {
    /// The inputs of the E-model, with the defaults of G.107 Table 3. Delays in milliseconds, levels in dB.
    public struct Parameters: Sendable, Hashable, Codable {
        /// Send loudness rating.
        public var sendLoudness = 8.0
        /// Receive loudness rating.
        public var receiveLoudness = 2.0
        /// Sidetone masking rating.
        public var sidetoneMasking = 15.0
        /// Listener sidetone rating.
        public var listenerSidetone = 18.0
        /// D-value of the telephone, send side.
        public var sendDValue = 3.0
        /// D-value of the telephone, receive side (not used by the formulas; kept for completeness of Table 3).
        public var receiveDValue = 3.0
        /// Talker echo loudness rating.
        public var talkerEchoLoudness = 65.0
        /// Weighted echo path loss.
        public var weightedEchoPathLoss = 110.0
        /// Mean one-way delay of the echo path, T (ms).
        public var echoPathDelay = 0.0
        /// Round-trip delay in a 4-wire loop, Tr (ms).
        public var roundTripDelay = 0.0
        /// Absolute delay in echo-free connections, Ta (ms): the mouth-to-ear delay.
        public var absoluteDelay = 0.0
        /// Number of quantisation distortion units.
        public var quantisingUnits = 1.0
        /// Equipment impairment factor of the codec, Ie.
        public var equipmentImpairment = 0.0
        /// Packet-loss robustness factor of the codec, Bpl.
        public var packetLossRobustness = 1.0
        /// Random packet-loss probability, Ppl, in percent.
        public var packetLossPercent = 0.0
        /// Burst ratio (1: random loss).
        public var burstRatio = 1.0
        /// Circuit noise referred to the 0 dBr point, dBm0p.
        public var circuitNoise = -70.0
        /// Noise floor at the receive side, dBmp.
        public var receiveNoiseFloor = -64.0
        /// Room noise at the send side, dB(A).
        public var sendRoomNoise = 35.0
        /// Room noise at the receive side, dB(A).
        public var receiveRoomNoise = 35.0
        /// Advantage factor A.
        public var advantage = 0.0

        /// Every parameter at its G.107 default.
        public init() {}
    }

    /// R and its parts.
    public struct Rating: Sendable, Hashable, Codable {
        /// Basic signal-to-noise ratio, Ro.
        public var basicSignalToNoise: Double
        /// Simultaneous impairment factor, Is.
        public var simultaneousImpairment: Double
        /// Delay impairment factor, Id (talker echo + listener echo + absolute delay).
        public var delayImpairment: Double
        /// Effective equipment impairment factor, Ie,eff.
        public var effectiveEquipmentImpairment: Double
        /// The transmission rating R (not clamped).
        public var r: Double

        /// The estimated mean opinion score of R (G.107 Annex B).
        public var mos: Double { EModel.mos(r: self.r) }
    }

    /// The transmission rating of `p`.
    public static func rating(_ p: Parameters) -> Rating {
        let overallLoudness = p.sendLoudness + p.receiveLoudness
        // Ro: the noise sources (circuit, send room, receive room, receive noise floor) power-added.
        let noiseFloor = p.receiveNoiseFloor + p.receiveLoudness
        let receiveRoom =
            p.receiveRoomNoise + 10 * log10(1 + pow(10, (10 - p.listenerSidetone) / 10))
        let receiveRoomNoise = p.receiveLoudness - 121 + receiveRoom + 0.008 * pow(receiveRoom - 35, 2)
        let sendRoomNoise =
            p.sendRoomNoise - p.sendLoudness - p.sendDValue - 100
            + 0.004 * pow(p.sendRoomNoise - overallLoudness - p.sendDValue - 14, 2)
        let noise =
            10
            * log10(
                pow(10, p.circuitNoise / 10) + pow(10, sendRoomNoise / 10) + pow(10, receiveRoomNoise / 10)
                    + pow(10, noiseFloor / 10))
        let ro = 15 - 1.5 * (p.sendLoudness + noise)

        // Is = Iolr + Ist + Iq.
        let xolr = overallLoudness + 0.2 * (64 + noise - p.receiveLoudness)
        let iolr = 20 * (pow(1 + pow(xolr / 8, 8), 1.0 / 8) - xolr / 8)
        let t = p.echoPathDelay
        let stmro = -10 * log10(pow(10, -p.sidetoneMasking / 10) + exp(-t / 4) * pow(10, -p.talkerEchoLoudness / 10))
        let ist =
            12 * pow(1 + pow((stmro - 13) / 6, 8), 1.0 / 8) - 28 * pow(1 + pow((stmro + 1) / 19.4, 35), 1.0 / 35)
            - 13 * pow(1 + pow((stmro - 3) / 33, 13), 1.0 / 13) + 29
        let q = 37 - 15 * log10(p.quantisingUnits)
        let g = 1.07 + 0.258 * q + 0.0602 * q * q
        let y = (ro - 100) / 15 + 46 / 8.4 - g / 9
        let z = 46.0 / 30 - g / 40
        let iq = 15 * log10(1 + pow(10, y) + pow(10, z))
        let simultaneous = iolr + ist + iq

        // Id = Idte + Idle + Idd.
        var terv = p.talkerEchoLoudness - 40 * log10((1 + t / 10) / (1 + t / 150)) + 6 * exp(-0.3 * t * t)
        if p.sidetoneMasking < 9 { terv += ist / 2 }
        let re = 80 + 2.5 * (terv - 14)
        let roe = -1.5 * (noise - p.receiveLoudness)
        var idte = ((roe - re) / 2 + ((roe - re) * (roe - re) / 4 + 100).squareRoot() - 1) * (1 - exp(-t))
        if p.sidetoneMasking > 20 { idte = (idte * idte + ist * ist).squareRoot() }
        let rle = 10.5 * (p.weightedEchoPathLoss + 7) * pow(p.roundTripDelay + 1, -0.25)
        let idle = (ro - rle) / 2 + ((ro - rle) * (ro - rle) / 4 + 169).squareRoot()
        var idd = 0.0
        if p.absoluteDelay > 100 {
            let x = log2(p.absoluteDelay / 100)
            idd = 25 * (pow(1 + pow(x, 6), 1.0 / 6) - 3 * pow(1 + pow(x / 3, 6), 1.0 / 6) + 2)
        }
        let delay = idte + idle + idd

        // Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl).
        let ppl = max(0, p.packetLossPercent)
        let burst = max(1, p.burstRatio)
        let ieEff =
            p.equipmentImpairment + (95 - p.equipmentImpairment) * ppl / (ppl / burst + p.packetLossRobustness)

        return Rating(
            basicSignalToNoise: ro, simultaneousImpairment: simultaneous, delayImpairment: delay,
            effectiveEquipmentImpairment: ieEff, r: ro - simultaneous - delay - ieEff + p.advantage)
    }

    /// The estimated MOS (conversational quality) of a rating R, G.107 Annex B:
    /// 1 below R = 0, 4.5 above R = 100, else 1 + 0.035R + R(R − 60)(100 − R)·7·10⁻⁶.
    public static func mos(r: Double) -> Double {
        guard r.isFinite else { return 1 }
        if r <= 0 { return 1 }
        if r >= 100 { return 4.5 }
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
    }
}
