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
    /// The median width of the 90% intervals, and their mean interval (Winkler) score: the
    /// width plus 20 times any miss, the one figure that weighs sharpness against misses.
    public var medianIntervalWidth: Double?
    public var intervalScore: Double?
    public var divergenceAUC: Double?

    /// JSON has no NaN: a metric undefined for the set (R^2 or a rank correlation of one run)
    /// is written as null (`eval --json` refused to write a single-run size group's R^2).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        try container.encode(points, forKey: .points)
        try container.encode(finite(meanAbsoluteError), forKey: .meanAbsoluteError)
        try container.encode(finite(rootMeanSquaredError), forKey: .rootMeanSquaredError)
        try container.encode(finite(meanRelativeError), forKey: .meanRelativeError)
        try container.encode(finite(rSquared), forKey: .rSquared)
        try container.encode(finite(spearman), forKey: .spearman)
        try container.encode(finite(kendall), forKey: .kendall)
        try container.encode(finite(coverage90), forKey: .coverage90)
        try container.encode(finite(medianIntervalWidth), forKey: .medianIntervalWidth)
        try container.encode(finite(intervalScore), forKey: .intervalScore)
        try container.encode(finite(divergenceAUC), forKey: .divergenceAUC)
    }

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
        let complete = intervals.count == healthy.count
        let (lower, upper) = (intervals.map(\.0), intervals.map(\.1))
        let coverage = complete ? Metrics.coverage(lower: lower, upper: upper, actual: actual) : nil
        let width = complete ? Metrics.quantile(zip(upper, lower).map { $0 - $1 }, 0.5) : nil
        let score = complete ? Metrics.intervalScore(lower: lower, upper: upper, actual: actual) : nil
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
            coverage90: coverage, medianIntervalWidth: width, intervalScore: score, divergenceAUC: auc)
    }
}
