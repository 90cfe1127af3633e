// How a predictor does on a source it never trained on, and after learning it from a few of
// that source's runs: every source left out in turn (Trainer.leaveOneSourceOut), its final
// losses predicted zero-shot with the interval a new source gets, that interval's level doubt
// measured on the *other* sources only (so no source calibrates its own interval); then,
// given its k smallest runs, its larger runs predicted by the adapted predictor, by
// Chinchilla fitted on the k runs, and by a predictor trained from scratch on them.
import Foundation
import Laws
import Predictor
import Runs
import Scoring

public struct NewSourceStudy {
    public struct Adaptation: Codable, Sendable {
        /// Runs given (the k smallest by compute 6ND) and runs predicted (those larger than all of them).
        public var given: Int
        public var tested: Int
        public var zeroShotMAE: Double
        public var adaptedMAE: Double
        /// Nil where the k runs cannot fit the model: Chinchilla has 5 parameters, training
        /// needs 4 runs.
        public var chinchillaMAE: Double?
        public var scratchMAE: Double?
        /// The adapted predictor's 90% coverage of the larger runs, and the median width.
        public var adaptedCoverage: Double
        public var adaptedWidth: Double
        /// The line the adaptation learned (SourceAdaptation): offset, slope and the ridge
        /// its forecasts chose.
        public var line: SourceAdaptation
    }

    public struct Source: Codable, Sendable {
        public var source: String
        public var runs: Int
        public var zeroShotMAE: Double
        /// The level doubt its interval carries, calibrated on the other sources.
        public var levelDeviation: Double?
        public var coverage: Double
        public var medianWidth: Double
        /// The mean interval (Winkler) score at 90%: width plus 20 x each miss's distance.
        public var intervalScore: Double
        /// The share of its predictions marked new.
        public var flaggedNew: Double
        public var adaptations: [Adaptation]
    }

    public var sources: [Source]

    /// Runs the study on `runs`, each source with `minimumRuns` healthy runs or more left out
    /// in turn (at least three such sources), adapting from the k smallest for each k in `ks`.
    public static func run(
        _ runs: [Run], options: TrainingOptions, ks: [Int], minimumRuns: Int = 5,
        progress: ((String) -> Void)? = nil
    ) throws -> NewSourceStudy {
        let held = try Trainer.leaveOneSourceOut(runs, options: options, minimumRuns: minimumRuns, progress: progress)
        guard !held.isEmpty else {
            throw BacktestError(
                "leave-one-source-out needs three sources or more with \(minimumRuns) healthy runs each (N, D, a final loss)")
        }
        var results: [Source] = []
        for (index, source) in held.enumerated() {
            var others = held
            others.remove(at: index)
            let level = Trainer.newSourceDeviation(others)
            let predictions = source.widened(by: level ?? 0)
            let adaptations = try ks.compactMap { k in
                try adapt(source, k: k, options: options, progress: progress)
            }
            results.append(
                Source(
                    source: source.source, runs: source.runs.count,
                    zeroShotMAE: Metrics.meanAbsoluteError(predictions.map(\.loss), source.actual), levelDeviation: level,
                    coverage: coverage(predictions, source.actual),
                    medianWidth: Metrics.quantile(predictions.map { $0.upper - $0.lower }, 0.5),
                    intervalScore: Metrics.intervalScore(
                        lower: predictions.map(\.lower), upper: predictions.map(\.upper), actual: source.actual),
                    flaggedNew: Double(predictions.filter { $0.newSource == true }.count) / Double(predictions.count),
                    adaptations: adaptations))
        }
        return NewSourceStudy(sources: results)
    }

    static func coverage(_ predictions: [Prediction], _ actual: [Double]) -> Double {
        Metrics.coverage(lower: predictions.map(\.lower), upper: predictions.map(\.upper), actual: actual)
    }

    /// The source's k smallest runs by 6ND (then by name) given, the runs larger than every
    /// one of them predicted; nil when fewer than 3 runs remain to predict.
    static func adapt(_ source: HeldOutSource, k: Int, options: TrainingOptions, progress: ((String) -> Void)?) throws -> Adaptation? {
        func compute(_ run: Run) -> Double { 6 * run.params! * run.tokens! }
        let ordered = source.runs.sorted { (compute($0), $0.name) < (compute($1), $1.name) }
        guard ordered.count > k else { return nil }
        let given = Array(ordered.prefix(k)), largest = given.map(compute).max()!
        let tested = ordered.dropFirst(k).filter { compute($0) > largest }
        guard tested.count >= 3 else { return nil }
        let actual = tested.map { $0.finalLoss! }
        progress?("adapting to \(source.source) from its \(k) smallest runs, predicting \(tested.count) larger")
        let zeroShot = source.predictor.predictFinal(tested)
        let adaptedPredictor = try source.predictor.adapted(to: source.source, runs: given)
        let adapted = adaptedPredictor.predictFinal(tested)
        var chinchilla: Double?
        if k >= 5 {
            let law = ChinchillaModel()
            if (try? law.fit(train: given)) != nil {
                let predicted = tested.map { run in
                    law.predict(run: run, points: [TestPoint(index: run.curve.count - 1, actual: run.finalLoss!, isFinal: true)])[0]?.loss
                }
                if predicted.allSatisfy({ $0 != nil }) { chinchilla = Metrics.meanAbsoluteError(predicted.map { $0! }, actual) }
            }
        }
        var scratch: Double?
        if k >= 4 {
            var scratchOptions = options
            scratchOptions.ensemble = 1
            scratchOptions.folds = 0
            scratchOptions.calibratesExtrapolation = false
            scratchOptions.calibratesNewSources = false
            if let predictor = try? Trainer.train(runs: given, options: scratchOptions) {
                scratch = Metrics.meanAbsoluteError(predictor.predictFinal(tested).map(\.loss), actual)
            }
        }
        return Adaptation(
            given: k, tested: tested.count, zeroShotMAE: Metrics.meanAbsoluteError(zeroShot.map(\.loss), actual),
            adaptedMAE: Metrics.meanAbsoluteError(adapted.map(\.loss), actual), chinchillaMAE: chinchilla, scratchMAE: scratch,
            adaptedCoverage: coverage(adapted, actual), adaptedWidth: Metrics.quantile(adapted.map { $0.upper - $0.lower }, 0.5),
            line: adaptedPredictor.adaptations[source.source]!)
    }
}
