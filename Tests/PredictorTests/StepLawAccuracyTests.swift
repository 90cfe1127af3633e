// The NCPL protocol on StepLaw dense, cross-fitted, with `losscast train`'s epochs: the
// three smallest shapes dealt into five folds (each an 80/20 train/validation split,
// seeded), twice; member k of a deal trains and early-stops without fold k, its baseline
// law fitted without it too. One training serves every test of the class (they run in one
// process); each test checks one thing about it.
import Foundation
import Scoring
@testable import Predictor
import Runs
import TestSupport
import XCTest

final class StepLawAccuracyTests: XCTestCase {
    struct Trained {
        var predictor: Predictor
        var options: TrainingOptions
        var small: [Run]
        var large: [Run]
        var largePredictions: [Prediction]
    }

    nonisolated(unsafe) static var cached: Trained?

    /// The predictor of the seed LOSSCAST_TEST_SEED (default 0), trained once.
    func trained() throws -> Trained {
        if let cached = Self.cached { return cached }
        let (fit, validation, large) = try PredictorTests.ncplSplit()
        var options = TrainingOptions()
        options.seed = UInt64(ProcessInfo.processInfo.environment["LOSSCAST_TEST_SEED"] ?? "0") ?? 0
        options.folds = 5
        options.ensemble = 2
        let predictor = try Trainer.train(runs: fit + validation, options: options)
        let trained = Trained(
            predictor: predictor, options: options, small: fit + validation, large: large,
            largePredictions: predictor.predictFinal(large))
        Self.cached = trained
        return trained
    }

    /// In distribution, every healthy run is predicted by the members (one per deal) that never
    /// saw it: MAE at most 0.0065.
    func testOutOfFoldErrorInDistribution() throws {
        let trained = try trained()
        let (predictor, small, ensemble) = (trained.predictor, trained.small, trained.options.ensemble)
        XCTAssertEqual(predictor.memberCount, 10)
        XCTAssertEqual(predictor.baselines.count, 10, "one baseline per member, each fitted on its folds")
        var outOfFold = [Int: [Double]]()
        for deal in 0..<ensemble {
            for (fold, indices) in Trainer.folds(small, count: 5, seed: trained.options.seed &+ UInt64(deal)).enumerated() {
                let healthy = indices.sorted().filter { small[$0].status != .diverged }
                let predictions = predictor.members([deal * 5 + fold]).predictFinal(healthy.map { small[$0] })
                for (index, prediction) in zip(healthy, predictions) { outOfFold[index, default: []].append(prediction.loss) }
            }
        }
        XCTAssertEqual(outOfFold.count, small.filter { $0.status != .diverged }.count, "every healthy small-shape run predicted")
        XCTAssertTrue(outOfFold.values.allSatisfy { $0.count == ensemble }, "once per deal")
        let actual = outOfFold.keys.sorted().map { small[$0].finalLoss! }
        let averaged = outOfFold.keys.sorted().map { outOfFold[$0]!.reduce(0, +) / Double(ensemble) }
        let error = Metrics.meanAbsoluteError(averaged, actual)
        print(String(format: "predictor on StepLaw: in-distribution (out of fold) MAE %.4f", error))
        XCTAssertLessThanOrEqual(error, 0.0065)
    }

    /// Out of distribution (537M, 1.07B), the bars: MAE below Chinchilla fitted on the
    /// same runs and below the best published 0.0169 (trees, NCPL's Table 1), Spearman at least
    /// 0.99. What holds across seeds is in the README (MAE 0.0108 to 0.0143 over seeds 0-2,
    /// under Zen and Haswell alike).
    func testOutOfDistributionErrorAndRanking() throws {
        let trained = try trained()
        let actual = trained.large.map { $0.finalLoss! }
        let error = Metrics.meanAbsoluteError(trained.largePredictions.map(\.loss), actual)
        let spearman = Metrics.spearman(trained.largePredictions.map(\.loss), actual)
        let lawError = try PredictorTests.chinchillaReference(fit: trained.small, on: trained.large).error
        print(String(format: "predictor on StepLaw: 537M + 1.07B MAE %.4f Spearman %.4f (Chinchilla %.4f)", error, spearman, lawError))
        XCTAssertLessThan(error, lawError)
        XCTAssertLessThan(error, 0.0169)
        XCTAssertGreaterThanOrEqual(spearman, 0.99)
    }

    /// The 90% interval out of distribution: 89.8%, 91.1% and 90.5% on seeds 0, 1 and 2 since the
    /// scale is set with the ensemble's deviation (94.6% to 96.5% before); asserted are the floor
    /// that matters (intervals not too narrow) and a ceiling.
    func testOutOfDistributionCoverage() throws {
        let trained = try trained()
        let covered = zip(trained.largePredictions, trained.large).filter { $0.lower <= $1.finalLoss! && $1.finalLoss! <= $0.upper }.count
        let coverage = Double(covered) / Double(trained.large.count)
        print(String(format: "predictor on StepLaw: 537M + 1.07B 90%% coverage %.3f", coverage))
        XCTAssertTrue((0.85...0.99).contains(coverage), "coverage \(coverage)")
    }

    /// The ensemble's prediction and interval rebuilt from its members alone.
    func testTheEnsembleIsItsMembers() throws {
        let trained = try trained()
        try PredictorTests.assertEnsembleIsItsMembers(trained.predictor, trained.large, folds: 5, predicted: trained.largePredictions)
    }

    /// A checkpoint round trip gives identical predictions.
    func testCheckpointRoundTrip() throws {
        let trained = try trained()
        let path = NSTemporaryDirectory() + "predictor-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trained.predictor.save(path: path)
        XCTAssertEqual(try Predictor.load(path: path).predictFinal(trained.large), trained.largePredictions)
    }
}
