// Log-normal distributions, given by (mu, sigma) of the logarithm or by two percentiles.
import Foundation
import Randomness

public struct Lognormal: Sendable, Equatable {
    /// Mean and standard deviation of ln X.
    public var mu: Double
    public var sigma: Double

    public init(mu: Double, sigma: Double) {
        self.mu = mu
        self.sigma = sigma
    }

    /// The standard normal's 95th percentile, Phi^-1(0.95).
    public static let z95 = 1.6448536269514722

    /// The log-normal whose 5th and 95th percentiles are `p5` and `p95` (0 < p5 < p95):
    /// ln p5 = mu - z95 sigma and ln p95 = mu + z95 sigma.
    public init(p5: Double, p95: Double) {
        sigma = (log(p95) - log(p5)) / (2 * Self.z95)
        mu = log(p5) + Self.z95 * sigma
    }

    public func sample(_ generator: inout SeededGenerator) -> Double {
        exp(mu + sigma * generator.nextNormal())
    }
}
