// Splits, scores and the ranking table on small hand-made runs, where every expected
// number is worked out by hand in the comments.
import XCTest
@testable import Backtest
import Foundation
@testable import Predictor
import Runs
import Scoring

final class SplitAndRankingTests: XCTestCase {
    func run(
        _ name: String, params: Double, tokens: Double, loss: Double, lr: Double = 1e-3, batch: Double = 1e6,
        source: String = "toy", diverged: Bool = false
    ) -> Run {
        var run = Run(
            source: source, name: name,
            configuration: [
                ConfigKey.params: .number(params), ConfigKey.tokens: .number(tokens), ConfigKey.lr: .number(lr),
                ConfigKey.batchSizeTokens: .number(batch)
            ],
            curve: [CurvePoint(tokens: tokens, losses: ["loss": loss])], targetLoss: "loss", parameterConvention: .unknown,
            provenance: Provenance(file: "test", importer: "test"))
        if diverged { run.status = .diverged }
        return run
    }

    func testByComputeTrainsOnATenthAndTestsOnTenTimes() throws {
        // C = 6 N D: 6e18, 6e19, 1.2e20, 6e20, 6e21. C_max / 10 = 6e20: train 6e18, 6e19, 1.2e20, 6e20;
        // the largest training compute is 6e20, so the test needs C >= 6e21: only "e".
        let runs = [
            run("a", params: 1e8, tokens: 1e10, loss: 3), run("b", params: 1e9, tokens: 1e10, loss: 2.8),
            run("c", params: 1e9, tokens: 2e10, loss: 2.7), run("d", params: 1e9, tokens: 1e11, loss: 2.5),
            run("e", params: 1e10, tokens: 1e11, loss: 2.2)
        ]
        let sides = try Split(kind: .byCompute).apply(runs)
        XCTAssertEqual(sides.train.map(\.name), ["a", "b", "c", "d"])
        XCTAssertEqual(sides.test.map(\.name), ["e"])
        // Move "d" above C_max / 10: training max becomes 1.2e20, test needs >= 1.2e21, "d" (6.6e20) is in neither side.
        let between = [runs[0], runs[1], runs[2], run("d", params: 1.1e9, tokens: 1e11, loss: 2.5), runs[4]]
        let other = try Split(kind: .byCompute).apply(between)
        XCTAssertEqual(other.train.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(other.test.map(\.name), ["e"])
        // A batch more is the same budget: "d" at 6.03e20 (0.5% above C_max / 10) trains, and
        // "e", 9.95x it, is still tested.
        let batchMore = [runs[0], runs[1], runs[2], run("d", params: 1e9, tokens: 1.005e11, loss: 2.5), runs[4]]
        let tolerant = try Split(kind: .byCompute).apply(batchMore)
        XCTAssertEqual(tolerant.train.map(\.name), ["a", "b", "c", "d"])
        XCTAssertEqual(tolerant.test.map(\.name), ["e"])
    }

    func testTopLevelsOfAnyField() throws {
        // C = 6 N D: a, b at 6e18 (b's D one batch more: 6.06e18, within 1%), c at 1.2e19,
        // d at 6e19, e at 6e20; f has no tokens (its C is unknown). Levels: 6e18, 1.2e19, 6e19, 6e20.
        let runs = [
            run("a", params: 1e8, tokens: 1e10, loss: 3), run("b", params: 1e8, tokens: 1.01e10, loss: 3.1),
            run("c", params: 2e8, tokens: 1e10, loss: 2.9), run("d", params: 1e9, tokens: 1e10, loss: 2.7),
            run("e", params: 1e9, tokens: 1e11, loss: 2.4, lr: 2e-3)
        ]
        var f = run("f", params: 1e9, tokens: 1, loss: 2.5)
        f.configuration[ConfigKey.tokens] = nil
        f.curve[0].tokens = nil
        let two = try Split.parse("top:flops:2").apply(runs + [f])
        XCTAssertEqual(two.train.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(two.test.map(\.name), ["d", "e"])
        XCTAssertTrue(two.description.contains("1 run(s) without flops left out"), two.description)
        XCTAssertEqual(try Split.parse("top:params").apply(runs).test.map(\.name), ["d", "e"])
        XCTAssertEqual(try Split.parse("top:lr:1").apply(runs).test.map(\.name), ["e"])  // a configuration field
        XCTAssertEqual(try Split.parse("top:tokens:1").apply(runs).train.map(\.name), ["a", "b", "c", "d"])
        // Four levels cannot give four to the test side and leave training runs.
        XCTAssertThrowsError(try Split.parse("top:flops:4").apply(runs)) { XCTAssertTrue("\($0)".contains("4 level"), "\($0)") }
        for bad in ["top", "top::2", "top:flops:0", "top:flops:x", "by-colour", "top:flops:2:1"] {
            XCTAssertThrowsError(try Split.parse(bad), bad) { XCTAssertTrue("\($0)".contains(bad), "\($0)") }
        }
        XCTAssertEqual(try Split.parse("by-size", threshold: 2e8).threshold, 2e8)
    }

    func testBySizeBySourceAndRandom() throws {
        let runs = (0..<20).map {
            run("r\($0)", params: [1e8, 2e8, 4e8, 8e8][$0 % 4], tokens: 1e10, loss: 3, source: $0 % 5 == 0 ? "other" : "toy")
        }
        let bySize = try Split(kind: .bySize).apply(runs)  // the two largest sizes, 4e8 and 8e8
        XCTAssertEqual(Set(bySize.test.compactMap(\.params)), [4e8, 8e8])
        XCTAssertEqual(Set(bySize.train.compactMap(\.params)), [1e8, 2e8])
        let threshold = try Split(kind: .bySize, threshold: 8e8).apply(runs)
        XCTAssertEqual(threshold.test.count, 5)
        let bySource = try Split(kind: .bySource, testSource: "other").apply(runs)
        XCTAssertEqual(bySource.test.count, 4)  // r0, r5, r10, r15
        XCTAssertTrue(bySource.train.allSatisfy { $0.source == "toy" })
        XCTAssertThrowsError(try Split(kind: .bySource, testSource: "missing").apply(runs))
        let random = try Split(kind: .random, seed: 4).apply(runs)
        XCTAssertEqual(random.test.count, 4)
        XCTAssertEqual(Set(random.test.map(\.name) + random.train.map(\.name)).count, 20)
        XCTAssertEqual(try Split(kind: .random, seed: 4).apply(runs).test.map(\.name), random.test.map(\.name))
    }

    /// A metric undefined for one run is null in JSON, the rest as computed (JSON has no NaN).
    func testUndefinedScoresAreNullInJSON() throws {
        let one = [
            Scores.Item(
                prediction: PointPrediction(loss: 2.0, lower: 1.9, upper: 2.1, divergenceProbability: nil), actual: 2.05, diverged: false)
        ]
        let scores = try XCTUnwrap(Scores.of(one))
        XCTAssertTrue(scores.rSquared.isNaN)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(scores)) as? [String: Any])
        XCTAssertTrue(object["rSquared"] is NSNull)
        XCTAssertTrue(object["spearman"] is NSNull)
        XCTAssertEqual(object["points"] as? Int, 1)
        XCTAssertEqual(try XCTUnwrap(object["meanAbsoluteError"] as? Double), 0.05, accuracy: 1e-9)
    }

    func testScoresByHand() throws {
        let items = [
            Scores.Item(
                prediction: PointPrediction(loss: 2.0, lower: 1.9, upper: 2.1, divergenceProbability: 0.1), actual: 2.2, diverged: false),
            Scores.Item(
                prediction: PointPrediction(loss: 3.0, lower: 2.9, upper: 3.2, divergenceProbability: 0.2), actual: 3.0, diverged: false),
            Scores.Item(
                prediction: PointPrediction(loss: 2.5, lower: 2.4, upper: 2.6, divergenceProbability: 0.9), actual: 9.0, diverged: true)
        ]
        let scores = try XCTUnwrap(Scores.of(items))
        XCTAssertEqual(scores.points, 2)  // the diverged run is left out
        XCTAssertEqual(scores.meanAbsoluteError, 0.1, accuracy: 1e-12)  // (0.2 + 0) / 2
        XCTAssertEqual(scores.meanRelativeError, (0.2 / 2.2) / 2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(scores.coverage90), 0.5)  // 2.2 is outside [1.9, 2.1]
        XCTAssertEqual(try XCTUnwrap(scores.medianIntervalWidth), 0.25, accuracy: 1e-12)  // widths 0.2 and 0.3
        // Winkler at 90%: width + 20 x miss: 0.2 + 20 x 0.1 = 2.2, and 0.3 with no miss: mean 1.25.
        XCTAssertEqual(try XCTUnwrap(scores.intervalScore), 1.25, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(scores.divergenceAUC), 1)  // 0.9 above both 0.1 and 0.2
        // Kendall tau-b with ties in both: x = [1, 1, 2], y = [1, 2, 2]: pairs (1,2) tie in x,
        // (2,3) tie in y, (1,3) concordant: 1 / sqrt((1 + 0 + 1)(1 + 0 + 1)) = 0.5.
        XCTAssertEqual(Metrics.kendall([1, 1, 2], [1, 2, 2]), 0.5, accuracy: 1e-12)
        // Spearman, the same: ranks [1.5, 1.5, 3] and [1, 2.5, 2.5]; centred [-0.5, -0.5, 1] and [-1, 0.5, 0.5]:
        // cov 0.5 - 0.25 + 0.5 = 0.75, var 1.5 each: 0.5.
        XCTAssertEqual(Metrics.spearman([1, 1, 2], [1, 2, 2]), 0.5, accuracy: 1e-12)
    }

    /// A model that predicts a fixed loss per run name.
    final class TableModel: BacktestModel {
        let name: String
        let table: [String: Double]
        var limitation: String? { nil }
        init(_ name: String, _ table: [String: Double]) { self.name = name; self.table = table }
        func fit(train: [Run]) throws {}
        func predict(run: Run, points: [TestPoint]) -> [PointPrediction?] {
            points.map { _ in table[run.name].map { PointPrediction(loss: $0) } }
        }
    }

    func testRankingRegretByHand() throws {
        // One (N, D) group of 4 runs (and a smaller training run so by-size has two sizes).
        // N = 1e9, D = 2e10: lr* = 1.78 x 1e9^-0.712 x 2e10^0.307 = 1.011e-3, batch* = 0.573 x 2e10^0.571 = 4.37e5 tokens.
        let group = [
            run("g1", params: 1e9, tokens: 2e10, loss: 2.30, lr: 1e-3, batch: 5e5),  // nearest the law's optimum
            run("g2", params: 1e9, tokens: 2e10, loss: 2.25, lr: 2e-3, batch: 5e5),
            run("g3", params: 1e9, tokens: 2e10, loss: 2.20, lr: 4e-3, batch: 1e6),  // the best
            run("g4", params: 1e9, tokens: 2e10, loss: 2.45, lr: 8e-3, batch: 1e6)
        ]
        let runs = group + [run("small", params: 1e8, tokens: 2e10, loss: 3)]
        let optimum = Ranking.stepLawOptimum(params: 1e9, tokens: 2e10)
        XCTAssertEqual(optimum.lr, 1.78 * pow(1e9, -0.712) * pow(2e10, 0.307), accuracy: 1e-15)
        let models: [BacktestModel] = [
            TableModel("picks-g1", ["g1": 2.1, "g2": 2.2, "g3": 2.3, "g4": 2.4]),
            TableModel("flat", ["g1": 2.3, "g2": 2.3, "g3": 2.3, "g4": 2.3])
        ]
        let backtest = try Backtester.run(runs: runs, split: Split(kind: .bySize, threshold: 1e9), models: models)
        let ranking = Ranking.evaluate(backtest)
        XCTAssertEqual(ranking.groups, 1)
        let rows = Dictionary(uniqueKeysWithValues: ranking.rows.map { ($0.method, $0) })
        // picks-g1 picks g1: regret 2.30 - 2.20 = 0.10, 4.545%; g3 is its 3rd: a top-3 hit.
        XCTAssertEqual(try XCTUnwrap(rows["picks-g1"]?.meanRegret), 0.10, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(rows["picks-g1"]?.meanRegretPercent), 0.10 / 2.20 * 100, accuracy: 1e-9)
        XCTAssertEqual(rows["picks-g1"]?.top3HitRate, 1)
        // Its predictions order g1 < g2 < g3 < g4 against actual g3 < g2 < g1 < g4: Spearman 1 - 6 x (4 + 0 + 4 + 0) / (4 x 15) = 0.2.
        XCTAssertEqual(try XCTUnwrap(rows["picks-g1"]?.meanSpearman), 0.2, accuracy: 1e-12)
        // The flat model cannot rank.
        XCTAssertNil(rows["flat"]?.meanRegret)
        XCTAssertTrue(rows["flat"]?.note?.contains("cannot rank") == true)
        // StepLaw's law picks g1: squared log distances g1 0.011^2 + 0.136^2 = 0.019, g2 0.68^2 + 0.136^2 = 0.48,
        // g3 1.37^2 + 0.83^2 = 2.6, g4 2.07^2 + 0.83^2 = 5.0; regret 0.10.
        XCTAssertEqual(try XCTUnwrap(rows["steplaw-law"]?.meanRegret), 0.10, accuracy: 1e-12)
        // Random: mean of (0.10, 0.05, 0, 0.25) = 0.10.
        XCTAssertEqual(try XCTUnwrap(rows["random"]?.meanRegret), 0.10, accuracy: 1e-12)
    }

    /// eval's ranking scores a predictor's point as rank does: a level doubt of 1.4 counts
    /// added to the upper end without it, 2.80 e^(1.6449 x 0.02 / 2.80) + 1.6449 x 1.4 (hand
    /// arithmetic), not the widened upper end 2.80 e^(1.6449 sqrt(0.02^2 + 1.4^2) / 2.80); a
    /// point without a doubt scores its upper end.
    func testEvalScoresALevelDoubtAsRankDoes() {
        let widened = Prediction(loss: 2.80, lower: 0, upper: 0, deviation: 0.02, divergenceProbability: 0).widened(by: 1.4, ceiling: nil)
        let point = PointPrediction(widened)
        XCTAssertEqual(point.riskAdjustedScore, 2.80 * exp(1.6449 * 0.02 / 2.80) + 1.6449 * 1.4, accuracy: 1e-12)
        XCTAssertEqual(point.riskAdjustedScore, widened.riskAdjustedScore)
        XCTAssertEqual(point.upper!, 2.80 * exp(1.6449 * (0.02 * 0.02 + 1.96).squareRoot() / 2.80), accuracy: 1e-12)
        let plain = PointPrediction(loss: 2.80, upper: 2.9, divergenceProbability: 0.1)
        XCTAssertEqual(plain.riskAdjustedScore, 2.9)
    }
}
