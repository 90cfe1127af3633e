// The seed's three reference learning curves: normalized entropy (NE, lower is better)
// against training sufficiency s in [0, 1], each a falling logistic
//   NE(s) = start - drop / (1 + exp(-rate (s - midpoint)))
// small [128, 128]:   0.62 - 0.04 / (1 + exp(-10 (s - 0.2)))
// medium [1024, 1024]: 0.65 - 0.16 / (1 + exp(-8 (s - 0.3)))
// large [2048, 2048]:  0.68 - 0.20 / (1 + exp(-8 (s - 0.3)))
import Foundation

public struct ReferenceCurve: Codable, Sendable, Equatable {
    public var name: String
    public var layers: [Int]
    public var start: Double
    public var drop: Double
    public var rate: Double
    public var midpoint: Double

    public func normalizedEntropy(sufficiency s: Double) -> Double {
        start - drop / (1 + Foundation.exp(-rate * (s - midpoint)))
    }

    public static let small = ReferenceCurve(name: "small", layers: [128, 128], start: 0.62, drop: 0.04, rate: 10, midpoint: 0.2)
    public static let medium = ReferenceCurve(name: "medium", layers: [1024, 1024], start: 0.65, drop: 0.16, rate: 8, midpoint: 0.3)
    public static let large = ReferenceCurve(name: "large", layers: [2048, 2048], start: 0.68, drop: 0.20, rate: 8, midpoint: 0.3)
    public static let all = [small, medium, large]
}

/// Training days to sufficiency: linear up to the maximum, then 1.
public enum Sufficiency {
    public static func of(days: Double, maximumDays: Double) -> Double {
        min(1, max(0, days / maximumDays))
    }
}

/// Inference throughput: complexity = base FLOPs per sample + FLOPs per parameter x P,
/// QPS = hardware FLOP/s / complexity, never below the floor.
public enum Throughput {
    public static func queriesPerSecond(parameters: Double, configuration: SimulatorConfiguration) -> Double {
        let complexity = configuration.baseFlopsPerSample + configuration.flopsPerParameter * parameters
        return max(configuration.minimumQPS, configuration.hardwareFlopsPerSecond / complexity)
    }
}
