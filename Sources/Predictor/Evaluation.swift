// Held-out evaluation of a trained predictor for `losscast train`: scores at the final
// point of held-out runs (regression metrics on the runs that did not diverge, divergence
// AUC on all). The splits themselves are in Sources/Backtest.
import Foundation
import Laws
import Scoring
import Runs
import Tensors

/// Scores on held-out runs at their final point: regression metrics on the healthy runs,
/// divergence AUC on all.
public struct Evaluation: Codable, Sendable {
    public var runs: Int
    public var healthyRuns: Int
    public var meanAbsoluteError: Double
    public var rootMeanSquaredError: Double
    public var spearman: Double
    public var coverage90: Double
    public var divergenceAUC: Double?

    public static func finalPoint(_ predictor: Predictor, _ runs: [Run]) -> Evaluation {
        let predictions = predictor.predictFinal(runs)
        let healthy = runs.indices.filter { runs[$0].status != .diverged }
        let predicted = healthy.map { predictions[$0].loss }, actual = healthy.map { runs[$0].finalLoss! }
        let labels = runs.map { $0.status == .diverged }
        let auc =
            labels.contains(true) && labels.contains(false)
            ? Metrics.rocAUC(scores: predictions.map(\.divergenceProbability), labels: labels) : nil
        return Evaluation(
            runs: runs.count, healthyRuns: healthy.count,
            meanAbsoluteError: Metrics.meanAbsoluteError(predicted, actual),
            rootMeanSquaredError: Metrics.rootMeanSquaredError(predicted, actual),
            spearman: healthy.count >= 2 ? Metrics.spearman(predicted, actual) : .nan,
            coverage90: Metrics.coverage(
                lower: healthy.map { predictions[$0].lower }, upper: healthy.map { predictions[$0].upper }, actual: actual),
            divergenceAUC: auc)
    }

    public var summary: String {
        String(
            format: "test: %d runs (%d not diverged): MAE %.4f  RMSE %.4f  Spearman %.4f  90%% interval coverage %.1f%%%@",
            runs, healthyRuns, meanAbsoluteError, rootMeanSquaredError, spearman, coverage90 * 100,
            divergenceAUC.map { String(format: "  divergence AUC %.3f", $0) } ?? "")
    }
}
