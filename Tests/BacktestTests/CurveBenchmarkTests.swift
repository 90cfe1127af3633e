// Whole-curve scoring against values computed by hand from the benchmark's definitions
// (Huber with delta 0.01 on the loss; final metrics at each run's last step).
import Backtest
import Foundation
import Runs
import XCTest

final class CurveBenchmarkTests: XCTestCase {
    func run(_ name: String, source: String, params: Double, losses: [(Double, Double)]) -> Run {
        Run(
            source: source, name: name, configuration: [ConfigKey.params: .number(params), ConfigKey.tokens: .number(1e9)],
            curve: losses.map { CurvePoint(step: $0.0, losses: ["loss": $0.1]) }, targetLoss: "loss", parameterConvention: .total,
            provenance: Provenance(file: "test", importer: "test"))
    }

    func testHuberR2AndFinalMetricsByHand() throws {
        let runs = [
            run("a", source: "s", params: 1e8, losses: [(0, 10), (100, 3.0)]),
            run("b", source: "s", params: 1e8, losses: [(0, 10), (100, 3.2)])
        ]
        // Errors: a: 0, +0.005 (inside delta); b: -0.5 at step 0, +0.1 at the end (outside).
        let file = PredictionsFile(runs: [
            .init(runID: "a", predictions: ["0": 10, "100": 3.005], intervals: ["0": [9, 11], "100": [2.9, 3.1]]),
            .init(runID: "b", predictions: ["0": 9.5, "100": 3.3], intervals: ["0": [9, 11], "100": [3.25, 3.4]])
        ])
        let report = try CurveBenchmark.score(runs: runs, predictions: file)
        // Huber: 0, 0.5 x 0.005^2, 0.01 x (0.5 - 0.005), 0.01 x (0.1 - 0.005); mean of four.
        let expected = (0 + 0.5 * 0.005 * 0.005 + 0.01 * 0.495 + 0.01 * 0.095) / 4
        XCTAssertEqual(report.huber, expected, accuracy: 1e-12)
        XCTAssertEqual(report.points, 4)
        // R^2 over (10, 3, 10, 3.2): mean 6.55, SS_tot = 2 x 3.45^2 + 3.55^2 + 3.35^2.
        let totalSquares = 2 * 3.45 * 3.45 + 3.55 * 3.55 + 3.35 * 3.35
        XCTAssertEqual(report.rSquared, 1 - (0.005 * 0.005 + 0.25 + 0.01) / totalSquares, accuracy: 1e-12)
        let source = try XCTUnwrap(report.sources.first)
        XCTAssertEqual(source.finalMAE, (0.005 + 0.1) / 2, accuracy: 1e-12)
        XCTAssertEqual(source.finalBias, (0.005 + 0.1) / 2, accuracy: 1e-12)
        XCTAssertEqual(source.finalCoverage, 0.5)  // a's 3.0 in [2.9, 3.1]; b's 3.2 not in [3.25, 3.4]
        XCTAssertEqual(report.coverage, 0.75)
        // One (N, D) group: the lower prediction picks a (3.0, the best): no regret; a random
        // pick's expected regret is half of (3.2 - 3.0) / 3.0, in percent.
        XCTAssertEqual(source.regretPercent, 0)
        XCTAssertEqual(source.randomRegretPercent!, 0.5 * 0.2 / 3.0 * 100, accuracy: 1e-9)
    }

    /// Runs tied at the lowest prediction (identical configurations) are picked with equal
    /// chance: their mean regret counts, whatever their names.
    func testTiedPicksCountTheirMeanRegret() throws {
        let runs = [
            run("z-good", source: "s", params: 1e8, losses: [(100, 3.0)]),
            run("a-bad", source: "s", params: 1e8, losses: [(100, 3.3)]),
            run("m-other", source: "s", params: 1e8, losses: [(100, 3.1)])
        ]
        let file = PredictionsFile(runs: [
            .init(runID: "z-good", predictions: ["100": 3.05]), .init(runID: "a-bad", predictions: ["100": 3.05]),
            .init(runID: "m-other", predictions: ["100": 3.2])
        ])
        let source = try XCTUnwrap(try CurveBenchmark.score(runs: runs, predictions: file).sources.first)
        // The tie: (0 + 0.3 / 3.0) / 2 = 5%; a pick by name ("a-bad" first) would say 10%, the other 0%.
        XCTAssertEqual(try XCTUnwrap(source.regretPercent), 5, accuracy: 1e-9)
        // Random: (0 + 10 + 3.333...) / 3.
        XCTAssertEqual(try XCTUnwrap(source.randomRegretPercent), (0 + 10 + 0.1 / 3.0 * 100) / 3, accuracy: 1e-9)
    }

    func testAMissingStepIsNamed() {
        let runs = [run("a", source: "s", params: 1e8, losses: [(0, 10), (100, 3.0)])]
        let file = PredictionsFile(runs: [.init(runID: "a", predictions: ["0": 10])])
        XCTAssertThrowsError(try CurveBenchmark.score(runs: runs, predictions: file)) { error in
            XCTAssertTrue("\(error)".contains("step 100") && "\(error)".contains("'a'"), "\(error)")
        }
        XCTAssertThrowsError(try CurveBenchmark.score(runs: runs, predictions: PredictionsFile(runs: []))) { error in
            XCTAssertTrue("\(error)".contains("no predictions for run 'a'"), "\(error)")
        }
    }

    func testTheFileRoundTripsInTheBenchmarksShape() throws {
        let path = NSTemporaryDirectory() + "predictions-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PredictionsFile(runs: [.init(runID: "r", predictions: [PredictionsFile.key(1000): 3.5])]).write(to: path)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let first = try XCTUnwrap((object["runs"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["run_id"] as? String, "r")
        XCTAssertEqual(
            (first["predictions"] as? [String: Double])?["1000"], 3.5, "steps are integer keys, as the benchmark's scorer reads them")
    }
}
