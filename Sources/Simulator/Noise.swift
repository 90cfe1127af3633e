// Measurement noise, and the seeded streams it is drawn from.
// deviation = noiseScale x training factor x parameter factor, with
//   training factor  = max(floor, ceiling x (1 - progress))   (0.7 untrained -> 0.01 trained)
//   parameter factor = (parameters / reference)^-exponent     (bigger models are steadier)
// where progress is the sufficiency (reference backend) or the fraction of the token budget
// seen (learned backend). Each run draws from its own stream, seeded by the session seed,
// the request's cache key and how many times that request came before in the session: a
// seed replays a whole session bit for bit, whatever order concurrent agents interleave
// in, and two calls of the same request still see different noise.
import Foundation

public enum NoiseModel {
    public static func deviation(progress: Double, parameters: Double, configuration c: SimulatorConfiguration) -> Double {
        let training = max(c.noiseTrainingFloor, c.noiseTrainingCeiling * (1 - min(max(progress, 0), 1)))
        let size = Foundation.pow(max(parameters, 1) / c.noiseReferenceParameters, -c.noiseParameterExponent)
        return c.noiseScale * training * size
    }
}

/// SplitMix64: small, fast, and a full-period stream for any 64-bit seed.
public struct NoiseStream: Sendable {
    private var state: UInt64

    public init(seed: UInt64, key: String, occurrence: UInt64) {
        state = seed ^ (StableHash.of(key) &* 0x9E37_79B9_7F4A_7C15) ^ (occurrence &* 0xD1B5_4A32_D192_ED03)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box-Muller).
    public mutating func normal() -> Double {
        let u = max(uniform(), .leastNonzeroMagnitude)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * uniform())
    }
}

/// FNV-1a over UTF-8: the same on every run and platform, unlike Swift's seeded Hasher.
public enum StableHash {
    public static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
