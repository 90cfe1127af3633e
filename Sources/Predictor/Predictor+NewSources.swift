// Sources the checkpoint never trained on. A configuration cannot say what loss level a new
// dataset or eval set sits at: such a prediction is marked new and its interval carries the
// doubt measured by leaving each training source out (Calibration.newSourceDeviation). A few
// of the source's own runs give that level: `adapted(to:runs:)` learns the source's offset
// from them in a second, keeping everything the checkpoint learned about configurations.
import Foundation
import Laws
import Runs
import Scoring

/// What a source's own runs taught a trained predictor: a line from its prediction to the
/// source's loss, loss + offset + slope (loss - centre). The offset is the source's level;
/// the slope, how much more or less its loss moves than the predictor expects (a source of
/// harder data has more to lose as well as a higher floor). A line in the predicted loss
/// stays bounded where the prediction is, however far the sizes are extrapolated.
public struct SourceAdaptation: Codable, Sendable, Equatable {
    /// Added to every prediction of the source at the runs' mean predicted loss.
    public var offset: Double
    public var slope: Double
    /// The runs' mean predicted loss.
    public var center: Double
    /// The error of predicting each larger run from the smaller ones, as a deviation in loss
    /// units (widened for how few such forecasts there were).
    public var deviation: Double
    /// The ridge on the slope those forecasts chose (large: the offset alone).
    public var ridge: Double
    public var runs: Int
    public var sizes: SizeRange

    /// The correction of a prediction `loss`.
    public func offset(predicted loss: Double) -> Double { offset + slope * (loss - center) }

    static func logSizes(_ run: Run) -> [Double?] {
        [run.params, run.tokens].map { value in value.flatMap { $0 > 0 ? Foundation.log($0) : nil } }
    }

    /// How far a run lies outside the sizes the adaptation saw (ln N and ln D beyond them).
    func distance(run: Run) -> Double {
        let sizes = Self.logSizes(run)
        return self.sizes.distance(logParams: sizes[0], logTokens: sizes[1])
    }

    /// The largest slope a few runs may claim: a source whose loss moves more than 1.5 times,
    /// or less than half, as much as predicted. Unbounded, three small runs can set a slope
    /// that misses the larger runs badly (docs/DESIGN.md, New sources).
    static let maximumSlope = 0.5

    /// The ridges the forecasts choose among: from a free slope to the offset alone.
    static let ridges = [0, 1e-2, 1e-1, 1, 10, 1e6]

    /// The 95th percentile of Student's t over the normal's, for a deviation estimated from
    /// `count` forecasts (1 of them: 6.314 / 1.645).
    static func smallSampleFactor(_ count: Int) -> Double {
        let table = [6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812]
        guard count >= 1 else { return .infinity }
        let t = count <= table.count ? table[count - 1] : 1.6449 + (1.6449 * 1.6449 * 1.6449 + 1.6449) / (4 * Double(count))
        return t / 1.6449
    }

    /// Fits the line to the runs' residuals (`residuals[i]` = loss - `predicted[i]`), the
    /// runs in order of size (smallest first): each ridge is judged, as the line is used, by
    /// forecasting: fitted on the smallest j runs, predicting run j + 1, for j from half the
    /// runs (at least 2) up. The least-error ridge is kept (ties: the larger).
    static func fit(residuals: [Double], predicted: [Double], runs: [Run]) -> SourceAdaptation {
        let center = predicted.reduce(0, +) / Double(predicted.count)
        let rows = predicted.map { [1, $0 - center] }
        func solve(_ indices: [Int], ridge: Double) -> [Double]? {
            LeastSquares.solve(indices.map { rows[$0] }, indices.map { residuals[$0] }, ridge: ridge)
        }
        let first = max(2, (rows.count + 1) / 2)
        var best: (error: Double, ridge: Double, count: Int) = (.infinity, ridges.last!, 0)
        for ridge in ridges {
            var squares = 0.0, count = 0
            for next in first..<rows.count {
                guard let line = solve(Array(0..<next), ridge: ridge) else { squares = .infinity; break }
                let error = residuals[next] - (line[0] + line[1] * rows[next][1])
                squares += error * error
                count += 1
            }
            let error = count == 0 ? .infinity : squares / Double(count)
            if error <= best.error { best = (error, ridge, count) }
        }
        var line = solve(Array(rows.indices), ridge: best.ridge) ?? [residuals.reduce(0, +) / Double(residuals.count), 0]
        if abs(line[1]) > maximumSlope {
            // Past the bound, the slope is held at it and the offset refitted under it.
            line[1] = line[1] > 0 ? maximumSlope : -maximumSlope
            line[0] = zip(residuals, rows).map { $0 - line[1] * $1[1] }.reduce(0, +) / Double(rows.count)
        }
        return SourceAdaptation(
            offset: line[0], slope: line[1], center: center,
            deviation: best.error.squareRoot() * smallSampleFactor(best.count), ridge: best.ridge,
            runs: runs.count, sizes: SizeRange(runs: runs))
    }
}

extension Predictor {
    /// Whether a run's source, or a dataset or eval set its configuration states, is one this
    /// checkpoint never trained on. A proposal stating no source is one too, to a checkpoint
    /// that reads sources: the network reads it as unknown, as it does a new source, and its
    /// level is as much a guess. Read so, the bundled checkpoint put LossCast-Bench's `val/`
    /// runs, given as their config.json (which states no source), 0.50 (Marin) and 0.18
    /// (StepLaw) from their final losses, inside an interval 0.03 wide (0.2% covered); with
    /// their source stated, 0.018 and 0.009.
    public func isNewSource(_ run: Run) -> Bool {
        if run.source == ConfigurationRun.candidateSource ? sourceFeature != nil : !record.sources.contains(run.source) { return true }
        return encoder.categorical.contains { feature in
            guard feature.key != "source", FeatureEncoder.dataKeys.contains(feature.key), let value = run.configuration[feature.key]?.text
            else { return false }
            return feature.index(of: value) == 0
        }
    }

    /// The network's source input (an embedding per source it trained on), if it reads one.
    var sourceFeature: CategoricalFeature? { encoder.categorical.first { $0.key == "source" } }

    /// What a configuration states that this checkpoint never trained on, less the source it
    /// was adapted to (and that source's data fields, whose level the adaptation learned); and
    /// the source, when it states none to a checkpoint that reads sources (value "").
    public func unseen(_ configuration: [String: ConfigValue]) -> [InputReport.Unseen] {
        let adapted = configuration["source"]?.text.map { adaptations[$0] != nil } ?? false
        var unseen = encoder.unseen(configuration).filter { !(adapted && FeatureEncoder.dataKeys.contains($0.name)) }
        if configuration["source"] == nil, let sources = sourceFeature {
            unseen.insert(InputReport.Unseen(name: "source", value: "", known: sources.vocabulary), at: 0)
        }
        return unseen
    }

    /// The note naming what the configurations state that the checkpoint never saw (nil for nothing).
    public func novelty(_ configurations: [[String: ConfigValue]]) -> String? {
        var unseen: [InputReport.Unseen] = []
        for configuration in configurations { unseen += self.unseen(configuration).filter { !unseen.contains($0) } }
        return InputReport.novelty(unseen, levelDoubt: calibration.newSourceDeviation)
    }

    /// The fewest runs an adaptation learns from: the offset and the spread about it both.
    public static let minimumAdaptationRuns = 3

    /// A copy that knows `source` from `runs` (its healthy ones): each run's residual against
    /// this predictor and its prediction (means over the second half of its curve; the final
    /// point for a run of one point), and the line from prediction to residual whose slope's
    /// ridge forecasts larger runs from smaller ones best (SourceAdaptation.fit). Any earlier
    /// adaptation of the source is replaced, not stacked.
    public func adapted(to source: String, runs given: [Run]) throws -> Predictor {
        let runs = given.filter { $0.status != .diverged && ($0.finalLoss ?? 0) > 0 }
        guard runs.count >= Self.minimumAdaptationRuns else {
            throw PredictorError(
                "adapting to '\(source)' needs at least \(Self.minimumAdaptationRuns) runs with a final loss that did not diverge; "
                    + "found \(runs.count) of \(given.count). Ingest more of its runs, or check them with `losscast runs list --source \(source)`"
            )
        }
        // Smallest first (by 6ND, else D, else the name): the forecasts run from small to large.
        let ordered = runs.sorted { left, right in
            func size(_ run: Run) -> Double { (run.params ?? 1) * (run.tokens ?? 0) }
            return (size(left), left.name) < (size(right), right.name)
        }
        let plain = members(Array(0..<memberCount))
        plain.adaptations[source] = nil
        var items: [(run: Run, context: StepContext)] = [], owners: [Int] = [], actual: [Double] = []
        for (index, run) in ordered.enumerated() {
            let contexts = StepContext.contexts(for: run)
            let late = run.curve.indices.filter {
                (contexts[$0].progress ?? 0) >= 0.5 && run.curve[$0].losses[run.targetLoss]?.isFinite == true
            }
            for position in late.isEmpty ? [run.curve.count - 1] : late {
                items.append((run, contexts[position]))
                owners.append(index)
                actual.append(run.curve[position].losses[run.targetLoss]!)
            }
        }
        var residuals = [Double](repeating: 0, count: ordered.count), predicted = residuals, counts = residuals
        for (prediction, (owner, loss)) in zip(plain.predict(items), zip(owners, actual)) {
            residuals[owner] += loss - prediction.loss
            predicted[owner] += prediction.loss
            counts[owner] += 1
        }
        let adapted = members(Array(0..<memberCount))
        adapted.adaptations[source] = SourceAdaptation.fit(
            residuals: zip(residuals, counts).map { $0 / $1 },
            predicted: zip(predicted, counts).map { $0 / $1 }, runs: ordered)
        return adapted
    }
}
