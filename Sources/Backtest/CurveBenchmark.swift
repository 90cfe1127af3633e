// Whole-curve scoring in LossCast-Bench's terms (NCPL's out-of-distribution split): a
// predictions file `{"runs": [{"run_id", "predictions": {"STEP": loss}}]}` (LossCast adds
// "intervals": {"STEP": [lower, upper]}, 90%, which the benchmark's scorer ignores) scored
// against the runs' own curves. Every run needs a prediction at every step it logs; a
// missing one is an error naming the run and the step, not a point quietly dropped.
//   Huber (delta 0.01), R^2, MAPE and MAE over every (run, step) point;
//   per source, at each run's last step: MAE, RMSE, Spearman, 90% coverage;
//   per source, in each (N, D) group of at least two runs: the regret of the run with the
//   lowest predicted final loss (runs tied there counted with equal chance), as a
//   percentage of the group's best loss.
import Foundation
import Runs
import Scoring

public struct PredictionsFile: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var runID: String
        public var predictions: [String: Double]
        public var intervals: [String: [Double]]?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", predictions, intervals
        }

        public init(runID: String, predictions: [String: Double], intervals: [String: [Double]]? = nil) {
            self.runID = runID
            self.predictions = predictions
            self.intervals = intervals
        }
    }

    public var runs: [Entry]

    public init(runs: [Entry]) { self.runs = runs }

    /// One entry per run from values at every point of every run's curve, in curve order
    /// (`values.count` is the runs' total point count), with 90% intervals when given.
    public init(runs: [Run], values: [Double], intervals: [(lower: Double, upper: Double)]? = nil) {
        precondition(
            values.count == runs.reduce(0) { $0 + $1.curve.count } && (intervals?.count ?? values.count) == values.count,
            "one value per point of the runs' curves")
        var position = 0
        self.runs = runs.map { run in
            var entry = Entry(runID: run.name, predictions: [:], intervals: intervals == nil ? nil : [:])
            for point in run.curve {
                let key = Self.key(point.step ?? 0)
                entry.predictions[key] = values[position]
                if let interval = intervals?[position] { entry.intervals![key] = [interval.lower, interval.upper] }
                position += 1
            }
            return entry
        }
    }

    /// A step as the benchmark writes it: an integer without a decimal point.
    public static func key(_ step: Double) -> String { String(Int64(step.rounded())) }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    public static func read(_ path: String) throws -> PredictionsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BacktestError("\(path): cannot read the predictions file (expected a JSON file written by `losscast predict --runs`)")
        }
        do { return try JSONDecoder().decode(PredictionsFile.self, from: data) } catch {
            throw BacktestError(
                "\(path): not a predictions file (\(error)); expected {\"runs\": [{\"run_id\": ..., \"predictions\": {\"STEP\": loss}}]}")
        }
    }
}

public struct CurveBenchmarkReport: Codable, Sendable {
    public struct SourceScores: Codable, Sendable {
        public var source: String
        public var runs: Int
        public var finalMAE: Double
        public var finalRMSE: Double
        public var finalSpearman: Double
        public var finalBias: Double
        /// 90% interval coverage of the final losses, when the file has intervals.
        public var finalCoverage: Double?
        public var medianIntervalWidth: Double?
        /// The mean interval (Winkler) score of the final losses' 90% intervals: width and misses in one figure.
        public var intervalScore: Double?
        /// Mean over (N, D) groups of the picked run's regret, % of the group's best loss;
        /// and a random pick's expected regret.
        public var regretPercent: Double?
        public var randomRegretPercent: Double?
        public var groups: Int
        public var huber: Double
    }

    public var runs: Int
    public var points: Int
    public var huber: Double
    public var rSquared: Double
    public var mape: Double
    public var mae: Double
    public var coverage: Double?
    public var sources: [SourceScores]
}

public enum CurveBenchmark {
    public static let huberDelta = 0.01

    public static func huber(_ predicted: Double, _ actual: Double, delta: Double = huberDelta) -> Double {
        let error = abs(predicted - actual)
        return error <= delta ? 0.5 * error * error : delta * (error - 0.5 * delta)
    }

    /// Scores a predictions file against the runs (by name, the benchmark's run_id).
    public static func score(runs: [Run], predictions file: PredictionsFile, fileName: String = "predictions") throws
        -> CurveBenchmarkReport
    {
        let byID = Dictionary(file.runs.map { ($0.runID, $0) }, uniquingKeysWith: { first, _ in first })
        struct Point { var source: String; var predicted: Double; var actual: Double; var interval: [Double]? }
        func inside(_ points: [Point]) -> Double {
            Double(points.filter { $0.interval![0] <= $0.actual && $0.actual <= $0.interval![1] }.count) / Double(points.count)
        }
        var all: [Point] = []
        var finals: [(run: Run, point: Point)] = []
        for run in runs {
            guard let entry = byID[run.name] else {
                throw BacktestError("\(fileName): no predictions for run '\(run.name)' (expected a prediction at every step of every run)")
            }
            var last: Point?
            for point in run.curve {
                guard let step = point.step, let actual = point.losses[run.targetLoss] else { continue }
                let key = PredictionsFile.key(step)
                guard let predicted = entry.predictions[key], predicted.isFinite else {
                    throw BacktestError(
                        "\(fileName): no finite prediction at step \(key) of run '\(run.name)' (expected a prediction at every step of the run's losses.json)"
                    )
                }
                last = Point(source: run.source, predicted: predicted, actual: actual, interval: entry.intervals?[key])
                all.append(last!)
            }
            if let last { finals.append((run, last)) }
        }
        guard !all.isEmpty else { throw BacktestError("\(fileName): no points to score (expected runs with losses)") }
        let predicted = all.map(\.predicted), actual = all.map(\.actual)
        let withIntervals = all.filter { $0.interval?.count == 2 }
        var sources: [CurveBenchmarkReport.SourceScores] = []
        for source in Set(finals.map(\.run.source)).sorted() {
            let group = finals.filter { $0.run.source == source }
            let predictedFinal = group.map(\.point.predicted), actualFinal = group.map(\.point.actual)
            let intervals = group.compactMap { $0.point.interval?.count == 2 ? $0.point : nil }
            let regret = regrets(group.map { ($0.run, $0.point.predicted, $0.point.actual) })
            let sourcePoints = all.filter { $0.source == source }
            let coverage: Double? = intervals.isEmpty ? nil : inside(intervals)
            let width: Double? = intervals.isEmpty ? nil : Metrics.quantile(intervals.map { $0.interval![1] - $0.interval![0] }, 0.5)
            let score: Double? =
                intervals.isEmpty
                ? nil
                : Metrics.intervalScore(
                    lower: intervals.map { $0.interval![0] },
                    upper: intervals.map { $0.interval![1] }, actual: intervals.map(\.actual))
            let bias = zip(predictedFinal, actualFinal).reduce(0.0) { $0 + $1.0 - $1.1 } / Double(group.count)
            let sourceHuber = sourcePoints.reduce(0.0) { $0 + huber($1.predicted, $1.actual) } / Double(sourcePoints.count)
            let spearman = group.count >= 2 ? Metrics.spearman(predictedFinal, actualFinal) : 0
            sources.append(
                CurveBenchmarkReport.SourceScores(
                    source: source, runs: group.count,
                    finalMAE: Metrics.meanAbsoluteError(predictedFinal, actualFinal),
                    finalRMSE: Metrics.rootMeanSquaredError(predictedFinal, actualFinal),
                    finalSpearman: spearman, finalBias: bias, finalCoverage: coverage, medianIntervalWidth: width, intervalScore: score,
                    regretPercent: regret?.picked, randomRegretPercent: regret?.random, groups: regret?.groups ?? 0, huber: sourceHuber))
        }
        return CurveBenchmarkReport(
            runs: finals.count, points: all.count,
            huber: all.reduce(0) { $0 + huber($1.predicted, $1.actual) } / Double(all.count),
            rSquared: Metrics.rSquared(predicted, actual), mape: Metrics.meanRelativeError(predicted, actual),
            mae: Metrics.meanAbsoluteError(predicted, actual),
            coverage: withIntervals.isEmpty ? nil : inside(withIntervals),
            sources: sources)
    }

    /// In each (N, D) group of two or more runs: the regret of picking the lowest predicted
    /// final loss, in % of the group's best loss, and a random pick's expected regret. Runs
    /// tied at the lowest prediction are picked with equal chance, so their mean regret counts:
    /// runs of identical configurations (LossCast-Bench's val/ has such, differing only in
    /// run id) get identical predictions from any predictor of configurations, and which of
    /// them a rule "picks" (the first name, say) says nothing about the predictor.
    static func regrets(_ items: [(run: Run, predicted: Double, actual: Double)]) -> (picked: Double, random: Double, groups: Int)? {
        let groups = Dictionary(grouping: items) { [$0.run.params ?? 0, $0.run.tokens ?? 0] }.values.filter { $0.count >= 2 }
        guard !groups.isEmpty else { return nil }
        var picked = 0.0, random = 0.0
        for group in groups {
            let best = group.map(\.actual).min()!
            let lowest = group.map(\.predicted).min()!
            let tied = group.filter { $0.predicted == lowest }
            picked += tied.reduce(0) { $0 + ($1.actual - best) / best * 100 } / Double(tied.count)
            random += group.reduce(0) { $0 + ($1.actual - best) / best * 100 } / Double(group.count)
        }
        return (picked / Double(groups.count), random / Double(groups.count), groups.count)
    }
}
