// The predictor's one entry point for proposals: configurations in, predictions at steps
// out. `predict`, `rank`, `demo`, the simulator's learned backend and the HTTP service all
// call it; stored runs (evaluation, backtests) go through `predict(_:)` with their own points.
// Also the one rule that ranks by risk, shared by `rank --risk-adjusted` and `eval --risk-adjusted`.
import Foundation
import Runs

/// A configuration's predicted curve: one prediction per step asked for.
public struct CurvePrediction: Sendable {
    public var configuration: Configuration
    /// The steps, ascending (the last step alone when none were asked for).
    public var steps: [Double]
    public var points: [Prediction]
    /// The prediction at the last step.
    public var final: Prediction { points[points.count - 1] }
}

extension Predictor {
    /// Predictions for each configuration at `steps` (default: each one's last step). A
    /// configuration that cannot be predicted (no N, no D, an unknown schedule) is an error
    /// naming it and the field.
    public func predict(_ configurations: [Configuration], at steps: [Double]? = nil) throws -> [CurvePrediction] {
        try predict(configurations, at: { _ in steps })
    }

    /// Predictions for each configuration at the steps `steps(configuration)` gives
    /// (completed: total steps and batch tokens filled in), its last step when nil.
    public func predict(_ configurations: [Configuration], at steps: (Configuration) -> [Double]?) throws -> [CurvePrediction] {
        let runs = try configurations.enumerated().map { index, configuration in
            try configuration.checkPredictable(origin: configurations.count == 1 ? "configuration" : "configuration \(index + 1)")
            return try ConfigurationRun.make(configuration: configuration, steps: steps(configuration.completed()))
        }
        let items = runs.map { run in StepContext.contexts(for: run).map { (run: run, context: $0) } }
        let predictions = predict(items.flatMap { $0 })
        var start = 0
        return zip(configurations, items).map { configuration, points in
            defer { start += points.count }
            return CurvePrediction(configuration: configuration, steps: points.map { $0.context.step ?? .nan },
                                   points: Array(predictions[start..<start + points.count]))
        }
    }
}

/// How a risk-averse choice scores a prediction: the upper end of its 90% interval, and a run
/// more likely than not to diverge placed after every run that is not (its loss means nothing
/// if it diverges). Lower is better.
public enum RiskRule {
    public static let divergenceLimit = 0.5
    /// Added to a likely divergence's score: larger than any loss.
    public static let divergencePenalty = 1e6

    public static func score(loss: Double, upper: Double?, divergenceProbability: Double?) -> Double {
        (upper ?? loss) + ((divergenceProbability ?? 0) > divergenceLimit ? divergencePenalty : 0)
    }
}

extension Prediction {
    /// The risk-adjusted score (RiskRule): lower is better.
    public var riskAdjustedScore: Double { RiskRule.score(loss: loss, upper: upper, divergenceProbability: divergenceProbability) }
}
