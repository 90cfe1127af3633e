// A backtest: split the runs, fit every model on the training side, predict the same test
// points with each, and score them overall, per model size and per source, at the final
// point and at every scored point of the curves.
import Foundation
import Runs

public struct BacktestResult: Sendable {
    public struct ModelResult: Sendable {
        public var name: String
        public var limitation: String?
        /// Why the model could not be fitted, if it could not.
        public var failure: String?
        public var seconds: Double
        /// Predictions per test run, aligned with `BacktestResult.points`.
        public var predictions: [[PointPrediction?]]
        public var finalScores: Scores?
        public var pointScores: Scores?
        public var finalBySize: [(size: Double, scores: Scores)]
        public var finalBySource: [(source: String, scores: Scores)]
        /// Test points it could predict, of all.
        public var covered: Int
    }

    public var split: String
    public var trainRuns: Int
    public var test: [Run]
    public var points: [[TestPoint]]
    public var models: [ModelResult]
}

public enum Backtester {
    public static func run(
        runs: [Run], split: Split, models: [BacktestModel], maximumPoints: Int = 64,
        progress: ((String) -> Void)? = nil
    ) throws -> BacktestResult {
        let sides = try split.apply(runs.filter { $0.finalLoss != nil })
        guard !sides.test.isEmpty else { throw BacktestError("the split leaves no test runs") }
        let points = sides.test.map { scoredPoints($0, maximum: maximumPoints) }
        var results: [BacktestResult.ModelResult] = []
        for model in models {
            progress?("fitting \(model.name) on \(sides.train.count) runs")
            let start = Date()
            do {
                try model.fit(train: sides.train)
            } catch {
                results.append(
                    .init(
                        name: model.name, limitation: model.limitation, failure: (error as? LocalizedError)?.errorDescription ?? "\(error)",
                        seconds: Date().timeIntervalSince(start),
                        predictions: points.map { $0.map { _ in nil } }, finalScores: nil, pointScores: nil,
                        finalBySize: [], finalBySource: [], covered: 0))
                continue
            }
            let predictions = zip(sides.test, points).map { model.predict(run: $0, points: $1) }
            results.append(
                score(
                    model: model, test: sides.test, points: points, predictions: predictions,
                    seconds: Date().timeIntervalSince(start)))
        }
        return BacktestResult(split: sides.description, trainRuns: sides.train.count, test: sides.test, points: points, models: results)
    }

    /// Models already fitted (a checkpoint's predictor) scored on `runs` as they are: no
    /// split and no fitting, so every run with a final loss is a test run.
    public static func evaluate(runs: [Run], models: [BacktestModel], maximumPoints: Int = 64) throws -> BacktestResult {
        let test = runs.filter { $0.finalLoss != nil }
        guard !test.isEmpty else { throw BacktestError("no runs with a final loss to score") }
        let points = test.map { scoredPoints($0, maximum: maximumPoints) }
        let results = models.map { model in
            let start = Date()
            let predictions = zip(test, points).map { model.predict(run: $0, points: $1) }
            return score(model: model, test: test, points: points, predictions: predictions, seconds: Date().timeIntervalSince(start))
        }
        return BacktestResult(
            split: "none: \(test.count) runs scored as they are", trainRuns: 0, test: test, points: points, models: results)
    }

    static func score(
        model: BacktestModel, test: [Run], points: [[TestPoint]], predictions: [[PointPrediction?]],
        seconds: Double
    ) -> BacktestResult.ModelResult {
        var final: [(run: Run, item: Scores.Item)] = []
        var all: [Scores.Item] = []
        for (runIndex, run) in test.enumerated() {
            for (point, prediction) in zip(points[runIndex], predictions[runIndex]) {
                guard let prediction else { continue }
                let item = Scores.Item(prediction: prediction, actual: point.actual, diverged: run.status == .diverged)
                all.append(item)
                if point.isFinal { final.append((run, item)) }
            }
        }
        let bySize = Dictionary(grouping: final, by: { $0.run.modelSize ?? 0 }).sorted { $0.key < $1.key }
            .compactMap { size, group in Scores.of(group.map(\.item)).map { (size, $0) } }
        let bySource = Dictionary(grouping: final, by: { $0.run.source }).sorted { $0.key < $1.key }
            .compactMap { source, group in Scores.of(group.map(\.item)).map { (source, $0) } }
        return .init(
            name: model.name, limitation: model.limitation, failure: nil, seconds: seconds, predictions: predictions,
            finalScores: Scores.of(final.map(\.item)), pointScores: Scores.of(all), finalBySize: bySize, finalBySource: bySource,
            covered: all.count)
    }
}
