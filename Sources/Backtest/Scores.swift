// The metrics of one set of predictions: regression metrics on the runs that did not
// diverge, interval coverage where the model gives intervals, divergence AUC where it gives
// a probability and the set holds both outcomes.
import Foundation
import Scoring

public struct Scores: Codable, Sendable {
    public var points: Int
    public var meanAbsoluteError: Double
    public var rootMeanSquaredError: Double
    public var meanRelativeError: Double
    public var rSquared: Double
    public var spearman: Double
    public var kendall: Double
    public var coverage90: Double?
    public var divergenceAUC: Double?

    /// One scored item: a prediction, the actual loss, and whether its run diverged.
    public struct Item: Sendable {
        public var prediction: PointPrediction
        public var actual: Double
        public var diverged: Bool
    }

    public static func of(_ items: [Item]) -> Scores? {
        let healthy = items.filter { !$0.diverged }
        guard !healthy.isEmpty else { return nil }
        let predicted = healthy.map(\.prediction.loss), actual = healthy.map(\.actual)
        let intervals = healthy.compactMap { item in item.prediction.lower.flatMap { lower in item.prediction.upper.map { (lower, $0) } } }
        let coverage =
            intervals.count == healthy.count
            ? Metrics.coverage(lower: intervals.map(\.0), upper: intervals.map(\.1), actual: actual) : nil
        let scored = items.filter { $0.prediction.divergenceProbability != nil }
        let labels = scored.map(\.diverged)
        let auc =
            scored.count == items.count && labels.contains(true) && labels.contains(false)
            ? Metrics.rocAUC(scores: scored.map { $0.prediction.divergenceProbability! }, labels: labels) : nil
        let ranked = healthy.count >= 2
        return Scores(
            points: healthy.count, meanAbsoluteError: Metrics.meanAbsoluteError(predicted, actual),
            rootMeanSquaredError: Metrics.rootMeanSquaredError(predicted, actual),
            meanRelativeError: Metrics.meanRelativeError(predicted, actual),
            rSquared: ranked ? Metrics.rSquared(predicted, actual) : .nan,
            spearman: ranked ? Metrics.spearman(predicted, actual) : .nan,
            kendall: ranked ? Metrics.kendall(predicted, actual) : .nan,
            coverage90: coverage, divergenceAUC: auc)
    }
}
