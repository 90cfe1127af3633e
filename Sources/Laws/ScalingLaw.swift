// What a law is to the fitting engine: a formula for ln(predicted loss) written once over
// LawScalar (so Double gives values and Dual gives gradients), its parameters' names, the
// grid of starting points, how to report parameters in their natural form, and how to read
// its points from runs. Adding a law is adding one type that conforms.
import Foundation
import Runs

public protocol LawPoint {
    /// The observed loss (positive: residuals are taken on its logarithm).
    var loss: Double { get }
    /// Everything a law's prediction reads, when that is a few numbers: points with equal
    /// inputs share one prediction in the fit. nil (the default): every point is its own.
    var inputs: [Double]? { get }
}

extension LawPoint {
    public var inputs: [Double]? { nil }
}

public protocol ScalingLaw {
    associatedtype Point: LawPoint
    /// The name users type: `losscast fit chinchilla`.
    var name: String { get }
    /// The formula, for people.
    var formula: String { get }
    /// Parameters in the space the optimiser moves in (logs of positive quantities).
    var parameterNames: [String] { get }
    /// Starting points; the best fit over all of them is kept.
    var initialGrid: [[Double]] { get }
    /// ln(predicted loss) at a point.
    func logPrediction<S: LawScalar>(_ parameters: [S], _ point: Point) -> S
    /// Parameters as people report them (A = e^a, ...).
    func natural(_ parameters: [Double]) -> [(name: String, value: Double)]
    /// The points a run contributes (empty when it lacks what the law needs).
    func points(from run: Run) -> [Point]
}

extension ScalingLaw {
    public func predict(_ parameters: [Double], _ point: Point) -> Double {
        Foundation.exp(logPrediction(parameters, point))
    }
}

/// A Cartesian product of value lists: the grid of starts.
public func cartesianGrid(_ axes: [[Double]]) -> [[Double]] {
    axes.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.map { prefix + [$0] } } }
}

/// Points of the classic N, D laws: one per run, at its final loss.
public struct SizePoint: LawPoint, Sendable {
    public var logParams: Double
    public var logTokens: Double
    public var loss: Double
    /// Extra inputs some laws read (unique tokens, parallel streams).
    public var extra: [Double] = []

    public var inputs: [Double]? { [logParams, logTokens] + extra }

    public init(params: Double, tokens: Double, loss: Double, extra: [Double] = []) {
        logParams = Foundation.log(params)
        logTokens = Foundation.log(tokens)
        self.loss = loss
        self.extra = extra
    }

    /// The run's final point, when it has N, D and a positive final loss.
    static func final(of run: Run, extra: [Double] = []) -> SizePoint? {
        guard let params = run.params, let tokens = run.tokens, let loss = run.finalLoss, params > 0, tokens > 0, loss > 0 else {
            return nil
        }
        return SizePoint(params: params, tokens: tokens, loss: loss, extra: extra)
    }
}
