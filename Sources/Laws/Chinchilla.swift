// Hoffmann et al. 2022, approach 3: L = E + A / N^alpha + B / D^beta, fitted in the
// log-sum-exp form ln L = LSE(a - alpha ln N, b - beta ln D, e) with A = e^a, B = e^b,
// E = e^e, from Hoffmann's grid of starts as Epoch's replication ran it.
import Foundation
import Runs

public struct ChinchillaLaw: ScalingLaw {
    /// Replaces Hoffmann's 5,400 starts, for callers that refit often (the predictor's baseline).
    public var startingPoints: [[Double]]?
    public init(startingPoints: [[Double]]? = nil) { self.startingPoints = startingPoints }
    public let name = "chinchilla"
    public let formula = "L = E + A / N^alpha + B / D^beta"
    public let parameterNames = ["e", "a", "b", "alpha", "beta"]

    /// e in {-1, -0.5, ..., 1.5}, a and b in {0, 5, ..., 25}, alpha and beta in {0, 0.5, ..., 2}.
    public var initialGrid: [[Double]] {
        if let startingPoints { return startingPoints }
        return cartesianGrid([
            stride(from: -1.0, through: 1.5, by: 0.5).map { $0 }, stride(from: 0.0, through: 25, by: 5).map { $0 },
            stride(from: 0.0, through: 25, by: 5).map { $0 }, stride(from: 0.0, through: 2, by: 0.5).map { $0 },
            stride(from: 0.0, through: 2, by: 0.5).map { $0 }
        ])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        S.logSumExp(p[1] - p[3] * point.logParams, p[2] - p[4] * point.logTokens, p[0])
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("E", exp(p[0])), ("A", exp(p[1])), ("B", exp(p[2])), ("alpha", p[3]), ("beta", p[4])]
    }

    public func points(from run: Run) -> [SizePoint] {
        SizePoint.final(of: run).map { [$0] } ?? []
    }
}

/// Chinchilla with the parameter exponent alpha given, not fitted: for runs at one or two model
/// sizes, where E, A and alpha are not determined apart (two sizes fit exactly by a cliff in
/// N, alpha near 13, that predicts nothing beyond them). Parameters [e, a, b, beta];
/// `chinchilla(_:)` gives Chinchilla's [e, a, b, alpha, beta].
public struct ChinchillaFixedAlphaLaw: ScalingLaw {
    public var alpha: Double
    public var startingPoints: [[Double]]?
    public init(alpha: Double, startingPoints: [[Double]]? = nil) {
        self.alpha = alpha
        self.startingPoints = startingPoints
    }
    public let name = "chinchilla-fixed-alpha"
    public var formula: String { "L = E + A / N^\(alpha) + B / D^beta" }
    public let parameterNames = ["e", "a", "b", "beta"]

    public var initialGrid: [[Double]] {
        startingPoints ?? cartesianGrid([[-1, 0, 0.5, 1], [2, 4, 8, 12], [4, 8, 12], [0.2, 0.4, 0.6]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        S.logSumExp(p[1] - S(alpha) * point.logParams, p[2] - p[3] * point.logTokens, p[0])
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("E", exp(p[0])), ("A", exp(p[1])), ("B", exp(p[2])), ("alpha", alpha), ("beta", p[3])]
    }

    public func points(from run: Run) -> [SizePoint] {
        SizePoint.final(of: run).map { [$0] } ?? []
    }

    /// The same law as Chinchilla's parameters.
    public func chinchilla(_ p: [Double]) -> [Double] { [p[0], p[1], p[2], alpha, p[3]] }
}

/// Chinchilla with its two reducible terms raised to a power together:
/// L = E + (A / N^alpha + B / D^beta)^gamma, fitted as
/// ln L = LSE(e, gamma * LSE(a - alpha ln N, b - beta ln D)) with gamma = e^g. gamma = 1 is
/// Chinchilla; E = 0 is Kaplan's L(N, D) (gamma = alphaD). The extra exponent lets the gain
/// from data depend on the model's size, which Chinchilla's sum of terms cannot.
public struct ChinchillaGammaLaw: ScalingLaw {
    public var startingPoints: [[Double]]?
    public init(startingPoints: [[Double]]? = nil) { self.startingPoints = startingPoints }
    public let name = "chinchilla-gamma"
    public let formula = "L = E + (A / N^alpha + B / D^beta)^gamma"
    public let parameterNames = ["e", "a", "b", "alpha", "beta", "g"]

    /// Chinchilla's coarse grid crossed with gamma in {1/4, 1/2, 1}.
    public var initialGrid: [[Double]] {
        if let startingPoints { return startingPoints }
        return cartesianGrid([[-1, 0, 0.5], [4, 8, 12], [4, 8, 12], [0.3, 0.6], [0.3, 0.6], [log(0.25), log(0.5), 0]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        let reducible = S.logSumExp(p[1] - p[3] * point.logParams, p[2] - p[4] * point.logTokens)
        return S.logSumExp(p[5].exp() * reducible, p[0])
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("E", exp(p[0])), ("A", exp(p[1])), ("B", exp(p[2])), ("alpha", p[3]), ("beta", p[4]), ("gamma", exp(p[5]))]
    }

    public func points(from run: Run) -> [SizePoint] {
        SizePoint.final(of: run).map { [$0] } ?? []
    }
}

/// Chinchilla-gamma with one exponent for N and D: L = E + (A / N^alpha + B / D^alpha)^gamma.
/// On a few neighbouring model sizes the two exponents are not determined apart (fits far
/// apart in A differ little in objective and in prediction: docs/DESIGN.md, Laws). One
/// exponent is determined.
public struct ChinchillaGammaTiedLaw: ScalingLaw {
    public var startingPoints: [[Double]]?
    public init(startingPoints: [[Double]]? = nil) { self.startingPoints = startingPoints }
    public let name = "chinchilla-gamma-tied"
    public let formula = "L = E + (A / N^alpha + B / D^alpha)^gamma"
    public let parameterNames = ["e", "a", "b", "alpha", "g"]

    public var initialGrid: [[Double]] {
        if let startingPoints { return startingPoints }
        return cartesianGrid([[-1, 0, 0.5], [4, 8, 12], [4, 8, 12], [0.3, 0.6], [log(0.25), log(0.5), 0]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        let reducible = S.logSumExp(p[1] - p[3] * point.logParams, p[2] - p[3] * point.logTokens)
        return S.logSumExp(p[4].exp() * reducible, p[0])
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("E", exp(p[0])), ("A", exp(p[1])), ("B", exp(p[2])), ("alpha", p[3]), ("gamma", exp(p[4]))]
    }

    public func points(from run: Run) -> [SizePoint] {
        SizePoint.final(of: run).map { [$0] } ?? []
    }
}

/// Kaplan et al. 2020: L(N, D) = [(Nc / N)^(alphaN / alphaD) + Dc / D]^alphaD, fitted as
/// ln L = alphaD * LSE((alphaN / alphaD)(ln Nc - ln N), ln Dc - ln D).
public struct KaplanLaw: ScalingLaw {
    public init() {}
    public let name = "kaplan"
    public let formula = "L = [(Nc / N)^(alphaN / alphaD) + Dc / D]^alphaD"
    public let parameterNames = ["lnNc", "lnDc", "alphaN", "alphaD"]

    public var initialGrid: [[Double]] {
        cartesianGrid([[log(1e12), log(1e14), log(1e16)], [log(1e11), log(1e13), log(1e15)], [0.03, 0.076, 0.2], [0.05, 0.095, 0.3]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        p[3] * S.logSumExp((p[2] / p[3]) * (p[0] - S(point.logParams)), p[1] - S(point.logTokens))
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("Nc", exp(p[0])), ("Dc", exp(p[1])), ("alphaN", p[2]), ("alphaD", p[3])]
    }

    public func points(from run: Run) -> [SizePoint] {
        SizePoint.final(of: run).map { [$0] } ?? []
    }
}

/// Muennighoff et al. 2023, data-constrained: L = E + A / N^alpha + B / D'^beta with the
/// effective data D' = U + U R* (1 - e^(-R / R*)), U the unique tokens and R = D / U - 1
/// the repetitions beyond the first epoch (R* = e^r fitted).
public struct DataConstrainedLaw: ScalingLaw {
    public init() {}
    public let name = "data-constrained"
    public let formula = "L = E + A / N^alpha + B / D'^beta, D' = U + U R* (1 - exp(-(D/U - 1) / R*))"
    public let parameterNames = ["e", "a", "b", "alpha", "beta", "r"]

    public var initialGrid: [[Double]] {
        cartesianGrid([[-1, 0, 1], [0, 5, 10, 15], [0, 5, 10, 15], [0.2, 0.5, 1], [0.2, 0.5, 1], [log(5), log(15), log(50)]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        let unique = point.extra[0]
        let repetitions = max(exp(point.logTokens) / unique - 1, 0)
        let saturation = p[5].exp()
        let effective = S(unique) + S(unique) * saturation * (S(1) - (S(-repetitions) / saturation).exp())
        return S.logSumExp(p[1] - p[3] * point.logParams, p[2] - p[4] * effective.log(), p[0])
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("E", exp(p[0])), ("A", exp(p[1])), ("B", exp(p[2])), ("alpha", p[3]), ("beta", p[4]), ("R*", exp(p[5]))]
    }

    public func points(from run: Run) -> [SizePoint] {
        guard let unique = run.number(ConfigKey.uniqueTokens) ?? run.tokens else { return [] }
        return SizePoint.final(of: run, extra: [unique]).map { [$0] } ?? []
    }
}

/// The parallel scaling law (Chen et al. 2025): L = (A N^-alpha + B) P^-beta with P the
/// number of parallel streams, fitted as ln L = LSE(a - alpha ln N, b) - beta ln P.
public struct ParallelScalingLaw: ScalingLaw {
    public static let streamsKey = "parallel_streams"
    public init() {}
    public let name = "parallel"
    public let formula = "L = (A N^-alpha + B) P^-beta"
    public let parameterNames = ["a", "b", "alpha", "beta"]

    public var initialGrid: [[Double]] {
        cartesianGrid([[0, 5, 10, 20], [-1, 0, 1], [0.1, 0.3, 0.6, 1], [0, 0.05, 0.2]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: SizePoint) -> S {
        S.logSumExp(p[0] - p[2] * point.logParams, p[1]) - p[3] * log(point.extra[0])
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("A", exp(p[0])), ("B", exp(p[1])), ("alpha", p[2]), ("beta", p[3])]
    }

    public func points(from run: Run) -> [SizePoint] {
        guard let params = run.params, let loss = run.finalLoss, params > 0, loss > 0 else { return [] }
        let streams = run.number(ParallelScalingLaw.streamsKey) ?? 1
        return [SizePoint(params: params, tokens: run.tokens ?? 1, loss: loss, extra: [streams])]
    }
}
