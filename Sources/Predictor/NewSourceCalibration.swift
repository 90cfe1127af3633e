// The doubt about a new source's loss level, measured the way it arises: each training
// source in turn left out, a predictor trained on the others, its predictions of the left-out
// source's final losses. Conformal over groups: the level deviation is the least that puts
// 90% of each source's final losses inside its interval, averaged over sources so that a
// source of many runs counts once, like one of few.
import Foundation
import Laws
import Runs
import Scoring

/// One source's final points predicted by a predictor that never saw the source.
public struct HeldOutSource {
    public var source: String
    /// The predictor trained without the source.
    public var predictor: Predictor
    public var runs: [Run]
    /// The left-out predictor's predictions (calibrated on its own validation runs, no doubt
    /// about the level added), one per run.
    public var predictions: [Prediction]
    public var actual: [Double]

    /// The predictions with the level doubt `level` added, each under its own run's ceiling.
    public func widened(by level: Double) -> [Prediction] {
        zip(predictions, runs).map { $0.widened(by: level, ceiling: Predictor.ceiling($1)) }
    }
}

extension Trainer {
    /// The sources a leave-one-source-out study can leave out: those with at least
    /// `minimumRuns` healthy runs with N, D and a final loss.
    static func healthyFinals(_ runs: [Run]) -> [Run] {
        runs.filter { $0.status != .diverged && $0.params != nil && $0.tokens != nil && ($0.finalLoss ?? 0) > 0 }
    }

    /// For each source of `runs` with `minimumRuns` healthy runs or more (when there are three
    /// such sources or more), a predictor like `options` but of one member, trained on the
    /// other sources and calibrated on its own validation split (not for extrapolation, not
    /// for new sources), and its predictions of the source's healthy final points.
    public static func leaveOneSourceOut(
        _ runs: [Run], options: TrainingOptions, minimumRuns: Int = 5,
        progress: ((String) -> Void)? = nil
    ) throws -> [HeldOutSource] {
        let bySource = Dictionary(grouping: healthyFinals(runs), by: \.source).filter { $0.value.count >= minimumRuns }
        guard bySource.count >= 3 else { return [] }
        var auxiliary = options
        auxiliary.ensemble = 1
        auxiliary.folds = 0
        auxiliary.calibratesExtrapolation = false
        auxiliary.calibratesNewSources = false
        var held: [HeldOutSource] = []
        for (position, source) in bySource.keys.sorted().enumerated() {
            progress?("new-source calibration: leaving out \(source) (\(position + 1)/\(bySource.count))")
            let others = runs.filter { $0.source != source }
            let predictor: Predictor
            do {
                predictor = try train(runs: others, options: auxiliary, calibrating: true)
            } catch {
                // A member that diverged is trained again on another seed, once; then the
                // source is left out of the calibration, said, rather than the whole training lost.
                progress?(
                    "new-source calibration: without \(source) the training failed (\(String(describing: error).prefix(80))); another seed")
                var retry = auxiliary
                retry.seed = auxiliary.seed &+ 7_777
                guard let second = try? train(runs: others, options: retry, calibrating: true) else {
                    progress?("new-source calibration: \(source) skipped, its training failed twice")
                    continue
                }
                predictor = second
            }
            let finals = bySource[source]!
            held.append(
                HeldOutSource(
                    source: source, predictor: predictor, runs: finals, predictions: predictor.predictFinal(finals),
                    actual: finals.map { $0.finalLoss! }))
        }
        return held
    }

    /// The share of a source's final losses inside their 90% intervals with the level
    /// deviation `level` added (in quadrature) to each prediction's own.
    static func coverage(_ source: HeldOutSource, level: Double) -> Double {
        let widened = source.widened(by: level)
        return Metrics.coverage(lower: widened.map(\.lower), upper: widened.map(\.upper), actual: source.actual)
    }

    /// The least level deviation for which the sources' mean coverage reaches `target`; nil
    /// without sources, or when even a deviation of 10 (in loss) does not reach it.
    public static func newSourceDeviation(_ held: [HeldOutSource], target: Double = 0.9) -> Double? {
        guard !held.isEmpty else { return nil }
        func mean(_ level: Double) -> Double { held.map { coverage($0, level: level) }.reduce(0, +) / Double(held.count) }
        guard mean(10) >= target else { return nil }
        return smallest(upTo: 10) { mean($0) >= target }
    }
}
