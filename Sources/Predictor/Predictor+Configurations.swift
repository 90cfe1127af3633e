// The predictor's one entry point for proposals: configurations in, predictions at steps
// out. `predict`, `rank`, `demo`, the simulator's learned backend and the HTTP service all
// call it; stored runs (evaluation, backtests) go through `predict(_:)` with their own points.
// Also the one rule that ranks by risk, shared by `rank --risk-adjusted` and `eval --risk-adjusted`.
import Foundation
import Runs

/// A configuration's predicted curve: one prediction per step asked for.
public struct CurvePrediction: Sendable {
    public var configuration: Configuration
    /// The steps, ascending (the last step alone when none were asked for; NaN when the
    /// configuration has no batch size, so its end is known by tokens only).
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
            return CurvePrediction(
                configuration: configuration, steps: points.map { $0.context.step ?? .nan },
                points: Array(predictions[start..<start + points.count]))
        }
    }
}

/// Why an interval is as wide as it is: the fields the configuration lacks (the network
/// treats them as unknown, and its own deviation grows with that), the inputs outside the
/// training range, and how much those widen the interval beyond the network's deviation.
public struct IntervalExplanation: Sendable {
    public var inputs: InputReport
    /// The interval's width over the width it would have at zero distance from the training
    /// range (1 inside it).
    public var widening: Double
    /// ln N and ln D beyond the sizes of the run's source (FeatureEncoder.extrapolationDistance).
    public var distance: Double
    /// Whether the checkpoint widens intervals with that distance for this source.
    public var hasExtrapolationTerm: Bool

    /// One line for a person, nil when there is nothing to say. Missing fields are named only
    /// when they are recipe fields a user can state (ConfigurationField), not a dataset's columns.
    public var summary: String? {
        var parts: [String] = []
        // The fields that move a loss most first (rate, batch, schedule, regularisation), then the table's order.
        let first = [
            ConfigKey.lr, ConfigKey.batchSizeTokens, ConfigKey.warmupSteps, ConfigKey.weightDecay, ConfigKey.minLR, ConfigKey.seqLen
        ]
        let order = first + ConfigurationField.all.map(\.key).filter { !first.contains($0) }
        let stateable = order.filter(inputs.missing.contains)
        if !stateable.isEmpty {
            let more = stateable.count > 8 ? " and \(stateable.count - 8) more" : ""
            parts.append(
                "not given: " + stateable.prefix(8).joined(separator: ", ") + more + " (read as unknown; stating them can narrow it)")
        }
        if !inputs.outside.isEmpty {
            let fields = inputs.outside.map {
                String(format: "%@ %.4g (trained on %.4g to %.4g)", $0.name, $0.value, $0.minimum, $0.maximum)
            }
            parts.append("outside the training range: " + fields.joined(separator: ", "))
            let why =
                !hasExtrapolationTerm
                ? "the distance (this checkpoint has no extrapolation term)"
                : distance == 0 ? "inputs other than size (the calibration measures extrapolation in N and D)" : "so short a distance"
            parts.append(
                widening >= 1.05
                    ? String(format: "the interval is %.1fx as wide as inside the range for it", widening)
                    : "the calibration adds no width for \(why), so the width is the network's own; inputs are held at the "
                        + "range's edge and the baseline law carries the trend: treat the number as a guess")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension Predictor {
    /// Why the final prediction of `configuration` has the interval it has.
    public func explain(_ configuration: Configuration) throws -> IntervalExplanation {
        try configuration.checkPredictable(origin: "configuration")
        let run = try ConfigurationRun.make(configuration: configuration, steps: nil)
        guard let context = StepContext.contexts(for: run).last else {
            return IntervalExplanation(
                inputs: InputReport(), widening: 1, distance: 0, hasExtrapolationTerm: calibration.slope(for: run.source) > 0)
        }
        let distance = encoder.extrapolationDistance(run: run)
        let prediction = predict([(run: run, context: context)])[0]
        // The network's deviation alone, undoing the distance term of the calibration.
        let widening = calibration.widening(distance: distance, source: run.source)
        let networkPart = max(0, prediction.deviation * prediction.deviation - widening * widening).squareRoot()
        let inside = Self.interval(loss: prediction.loss, deviation: networkPart)
        let width = prediction.upper - prediction.lower, insideWidth = inside.upper - inside.lower
        return IntervalExplanation(
            inputs: encoder.inputReport(run: run, context: context),
            widening: insideWidth > 0 ? width / insideWidth : 1, distance: distance,
            hasExtrapolationTerm: calibration.slope(for: run.source) > 0)
    }
}

/// How a risk-averse choice scores a prediction: the upper end of its 90% interval, and a run
/// more likely than not to diverge placed after every run that is not (its loss means nothing
/// if it diverges). Lower is better. A source's level doubt (Prediction.levelDoubt) counts
/// added to the upper end without it (1.645 deviations), not in quadrature with the run's
/// own: candidates sharing one doubt are ordered by their own upper ends, and one with a
/// larger doubt (another source) still scores worse. In quadrature a doubt of 1.4 (no source
/// stated) took the spread out of 24 candidates' upper ends and ranked them by loss.
public enum RiskRule {
    public static let divergenceLimit = 0.5
    /// Added to a likely divergence's score: larger than any loss.
    public static let divergencePenalty = 1e6

    /// `upper`: the interval's upper end without the level doubt (Prediction.ownUpper where one
    /// was added); nil scores the loss itself.
    public static func score(loss: Double, upper: Double?, levelDoubt: Double? = nil, divergenceProbability: Double?) -> Double {
        (upper.map { $0 + Predictor.halfWidth90 * (levelDoubt ?? 0) } ?? loss)
            + ((divergenceProbability ?? 0) > divergenceLimit ? divergencePenalty : 0)
    }
}

extension Prediction {
    /// The risk-adjusted score (RiskRule): lower is better.
    public var riskAdjustedScore: Double {
        RiskRule.score(loss: loss, upper: ownUpper ?? upper, levelDoubt: levelDoubt, divergenceProbability: divergenceProbability)
    }
}
