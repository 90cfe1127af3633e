// The training samples: up to `maxPointsPerRun` points of each run's curve, encoded, with
// the target each network learns, the loss's residual over the baseline law normalised by
// the residuals' mean and spread. Diverged runs teach the divergence head only (weight 0).
import Foundation
import Laws
import Runs

struct SampleSet {
    var numeric: [Float] = []  // (S, F) row-major
    var categories: [[Int]]  // [feature][sample]
    var targets: [Float] = []  // normalised residual
    var weights: [Float] = []  // 0 for diverged
    var diverged: [Float] = []
    var losses: [Double] = []  // the actual loss
    var baselines: [Double] = []
    var count: Int { targets.count }
}

extension Trainer {
    /// Point indices used from a curve: all when few, else evenly spaced ending at the last.
    static func pointIndices(_ count: Int, maximum: Int) -> [Int] {
        guard count > maximum else { return Array(0..<count) }
        return (0..<maximum).map { Int((Double($0 + 1) / Double(maximum) * Double(count - 1)).rounded()) }
    }

    static func samples(_ runs: [Run], encoder: FeatureEncoder, baseline: Baseline, maxPoints: Int) -> SampleSet {
        var set = SampleSet(categories: [[Int]](repeating: [], count: encoder.categorical.count))
        let sources = encoder.sources
        for run in runs {
            let contexts = StepContext.contexts(for: run)
            let categories = encoder.categories(run: run)
            for index in pointIndices(run.curve.count, maximum: maxPoints) {
                guard let loss = run.curve[index].losses[run.targetLoss], loss.isFinite else { continue }
                let base = baseline.value(run: run, context: contexts[index])
                set.numeric += encoder.encoded(run: run, context: contexts[index], sources: sources)
                for (feature, value) in categories.enumerated() { set.categories[feature].append(value) }
                let isDiverged = run.status == .diverged
                let normalised = (loss - base - baseline.mean) / baseline.deviation
                set.targets.append(isDiverged ? 0 : Float(max(-20, min(20, normalised))))
                set.weights.append(isDiverged ? 0 : 1)
                set.diverged.append(isDiverged ? 1 : 0)
                set.losses.append(loss)
                set.baselines.append(base)
            }
        }
        return set
    }

    /// The baseline law fitted on the healthy runs among `train` (final points), the target's
    /// normalisation from its residuals, and the samples of both sides over it.
    static func baselineAndSamples(
        _ train: [Run], _ check: [Run], encoder: FeatureEncoder,
        options: TrainingOptions
    ) throws -> (Baseline, SampleSet, SampleSet) {
        var baseline = try Baseline.fitted(options.baseline, healthy: healthyFinals(train))
        let raw = samples(train, encoder: encoder, baseline: baseline, maxPoints: options.maxPointsPerRun)
        let residuals = zip(raw.losses, raw.baselines).enumerated().filter { raw.weights[$0.offset] > 0 }.map {
            $0.element.0 - $0.element.1
        }
        guard residuals.count >= 4 else { throw PredictorError("training needs at least 4 non-diverged points, found \(residuals.count)") }
        baseline.mean = residuals.reduce(0, +) / Double(residuals.count)
        baseline.deviation = max(
            (residuals.map { ($0 - baseline.mean) * ($0 - baseline.mean) }.reduce(0, +) / Double(residuals.count)).squareRoot(), 1e-4)
        return (
            baseline, samples(train, encoder: encoder, baseline: baseline, maxPoints: options.maxPointsPerRun),
            samples(check, encoder: encoder, baseline: baseline, maxPoints: options.maxPointsPerRun)
        )
    }
}
