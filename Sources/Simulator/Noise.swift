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
import Randomness
import Runs

public enum NoiseModel {
    public static func deviation(progress: Double, parameters: Double, configuration c: SimulatorConfiguration) -> Double {
        let training = max(c.noiseTrainingFloor, c.noiseTrainingCeiling * (1 - min(max(progress, 0), 1)))
        let size = Foundation.pow(max(parameters, 1) / c.noiseReferenceParameters, -c.noiseParameterExponent)
        return c.noiseScale * training * size
    }
}

/// A run's noise stream: the project's seeded generator (Tensors' SeededGenerator), seeded
/// from the session seed, the request's key and its occurrence.
public struct NoiseStream: Sendable {
    private var generator: SeededGenerator

    public init(seed: UInt64, key: String, occurrence: UInt64) {
        generator = SeededGenerator(seed: seed ^ (ContentHash.fnv1a(key) &* 0x9E37_79B9_7F4A_7C15) ^ (occurrence &* 0xD1B5_4A32_D192_ED03))
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { generator.nextUniform() }

    /// Standard normal.
    public mutating func normal() -> Double { generator.nextNormal() }
}
