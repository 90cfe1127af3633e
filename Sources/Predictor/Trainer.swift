// Training the predictor: samples from runs (up to `maxPointsPerRun` points of each curve),
// the baseline law fitted on the training runs (Baseline.swift), then each ensemble member
// trained with AdamW, warmup + cosine and early stopping on the validation runs' error, then
// the interval calibrated. Members share one validation split, or are cross-fitted (`folds`):
// each trains without one fold, early-stops on it and has its own baseline fitted without it.
// Deterministic for a seed. Diverged runs teach the divergence head only.
import Autograd
import Foundation
import Laws
import Layers
import Scoring
import Optimization
import Runs
import Tensors

public enum Trainer {
    /// Deals run indices into `count` folds of (nearly) equal size, seeded.
    static func folds(_ runs: [Run], count: Int, seed: UInt64) -> [Set<Int>] {
        var generator = SeededGenerator(seed: seed ^ 0xF01D)
        var order = Array(runs.indices)
        generator.shuffle(&order)
        return (0..<count).map { fold in Set(order.enumerated().filter { $0.offset % count == fold }.map(\.element)) }
    }

    /// Splits runs into (fit, validation), seeded, by run.
    static func holdOut(_ runs: [Run], fraction: Double, seed: UInt64) -> ([Run], [Run]) {
        var generator = SeededGenerator(seed: seed ^ 0x5EED)
        var order = Array(runs.indices)
        generator.shuffle(&order)
        let validationCount = max(1, Int(Double(runs.count) * fraction))
        let validation = Set(order.prefix(validationCount))
        return (runs.indices.filter { !validation.contains($0) }.map { runs[$0] }, validation.sorted().map { runs[$0] })
    }

    public static func train(
        runs: [Run], validation given: [Run]? = nil, options: TrainingOptions,
        progress: ((String) -> Void)? = nil
    ) throws -> Predictor {
        try train(runs: runs, validation: given, options: options, calibrating: true, progress: progress)
    }

    static func train(
        runs: [Run], validation given: [Run]? = nil, options: TrainingOptions, calibrating: Bool,
        progress: ((String) -> Void)? = nil
    ) throws -> Predictor {
        let start = Date()
        guard runs.count >= 4 else { throw PredictorError("training needs at least 4 runs, the selection has \(runs.count)") }
        let crossFitting = given == nil && options.folds >= 2
        // Each fold is a member's validation set: an empty one reads as error 0 from the first
        // epoch, and the member would keep its initial parameters. Two runs a fold at least.
        if crossFitting && runs.count < 2 * options.folds {
            throw PredictorError(
                "cross-fitting with \(options.folds) folds needs at least \(2 * options.folds) runs, the selection has \(runs.count); use fewer folds or --folds 0"
            )
        }
        let (fitRuns, validationRuns) =
            crossFitting
            ? (runs, [])
            : given.map { (runs, $0) }
                ?? holdOut(runs, fraction: options.validationFraction, seed: options.seed)
        let encoder = FeatureEncoder.fit(runs: fitRuns, contexts: fitRuns.map { StepContext.contexts(for: $0) })

        // Each member's (training runs, validation runs): the shared split, or its folds.
        let plans: [(train: [Run], check: [Run])] =
            crossFitting
            ? (0..<options.ensemble).flatMap { deal in
                folds(runs, count: options.folds, seed: options.seed &+ UInt64(deal)).map { fold in
                    (runs.indices.filter { !fold.contains($0) }.map { runs[$0] }, fold.sorted().map { runs[$0] })
                }
            }
            : Array(repeating: (fitRuns, validationRuns), count: options.ensemble)
        // The baseline law: fitted on the shared training runs, or on each member's own folds,
        // so that the ensemble also averages the law's extrapolation over resamples of the runs.
        let shared = crossFitting ? nil : try baselineAndSamples(fitRuns, validationRuns, encoder: encoder, options: options)
        var members: [any PredictorModel] = []
        var baselines: [Baseline] = []
        var bestErrors: [Double] = []
        var sampleCount = 0
        for (member, plan) in plans.enumerated() {
            let (baseline, train, check) = try shared ?? baselineAndSamples(plan.train, plan.check, encoder: encoder, options: options)
            sampleCount = max(sampleCount, train.count)
            let (network, error) = trainMember(
                train: train, check: check, encoder: encoder, baseline: baseline,
                options: options, seed: options.seed &+ UInt64(member) &* 7919,
                progress: { progress?("member \(member + 1)/\(plans.count): " + $0) })
            members.append(network)
            if crossFitting || baselines.isEmpty { baselines.append(baseline) }
            bestErrors.append(error)
        }
        // A member whose error is not finite learned nothing usable: refused, never saved.
        if let bad = bestErrors.firstIndex(where: { !$0.isFinite }) {
            throw PredictorError(
                "member \(bad + 1) ended with validation MAE \(bestErrors[bad]): the training diverged or the runs hold "
                    + "impossible values; check them with `losscast runs list`, or lower --learning-rate")
        }
        var record = TrainingRecord(
            sources: Array(Set(runs.map(\.source))).sorted(), runs: runs.count, samples: sampleCount,
            epochs: options.epochs, seconds: 0, seed: options.seed,
            validationMAE: bestErrors.reduce(0, +) / Double(max(bestErrors.count, 1)), split: options.split,
            folds: crossFitting ? options.folds : nil)
        let predictor = Predictor(
            encoder: encoder, architecture: options.architecture, baselines: baselines, record: record, members: members)
        if calibrating {
            // The interval's scale is set on runs a member never saw: the shared validation runs
            // with the whole ensemble, or each fold with the one member that held it out.
            let checks = crossFitting ? plans.indices.map { (predictor.members([$0]), plans[$0].check) } : [(predictor, validationRuns)]
            predictor.calibration = try calibrate(predictor, fitRuns: fitRuns, checks: checks, options: options, progress: progress)
            if options.calibratesNewSources {
                let held = try leaveOneSourceOut(runs, options: options, progress: progress)
                guard !held.isEmpty else {
                    throw PredictorError(
                        "calibrating for new sources needs three sources or more with 5 healthy runs each (N, D and a final loss); "
                            + "the selection has \(Set(healthyFinals(runs).map(\.source)).count) sources")
                }
                predictor.calibration.newSourceDeviation = newSourceDeviation(held)
            }
        }
        record.seconds = Date().timeIntervalSince(start)
        predictor.record = record
        return predictor
    }
}
