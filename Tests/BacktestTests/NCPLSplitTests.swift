// NCPL's out-of-distribution split from LossCast-Bench, small enough for CI: train on
// losscast_bench/train only (one member, few epochs, 8 points a run), predict every step of
// every run of val/, score every point. The floors are published figures, not this
// program's output: final-loss MAE below NCPL's fine-tuned 1.7B model on both sources
// (Marin 0.0168, StepLaw 0.0223, the paper's Table 1) and a whole-curve Huber below the
// refitted Chinchilla's 0.002449; and below LossCast's own Chinchilla per source on the
// same points.
import Backtest
import Foundation
import Importers
import Predictor
import Runs
import TestSupport
import XCTest

final class NCPLSplitTests: XCTestCase {
    func testSmallPredictorBeatsNCPLsFineTunedModelOnBothSources() throws {
        let bench = datasetsRoot + "/losscast_bench"
        guard FileManager.default.fileExists(atPath: bench + "/train") else { throw XCTSkip("no ../shared/datasets/losscast_bench") }
        let train = try RunFolderImporter.readAll(bench + "/train")
        let val = try RunFolderImporter.readAll(bench + "/val")
        XCTAssertEqual(train.count, 4567)  // the datasets README
        XCTAssertEqual(val.count, 1109)
        var options = TrainingOptions()
        options.epochs = Int(ProcessInfo.processInfo.environment["LOSSCAST_NCPL_EPOCHS"] ?? "24") ?? 24
        options.batchSize = 512
        options.maxPointsPerRun = 8
        options.calibratesExtrapolation = false  // points are scored here, intervals not
        options.seed = UInt64(ProcessInfo.processInfo.environment["LOSSCAST_TEST_SEED"] ?? "0") ?? 0
        let predictor = try Trainer.train(runs: train.filter { $0.finalLoss != nil }, options: options)
        let contexts = val.map { StepContext.contexts(for: $0) }
        let predictions = predictor.predict(zip(val, contexts).flatMap { run, points in points.map { (run: run, context: $0) } })
        let law = try Baseline.fitted(
            .law(.chinchilla), healthy: train.filter { $0.status != .diverged && $0.params != nil && $0.tokens != nil })
        let lawValues = zip(val, contexts).flatMap { run, points in points.map { law.value(run: run, context: $0) } }
        let report = try CurveBenchmark.score(runs: val, predictions: PredictionsFile(runs: val, values: predictions.map(\.loss)))
        let chinchilla = try CurveBenchmark.score(runs: val, predictions: PredictionsFile(runs: val, values: lawValues))
        let marin = try XCTUnwrap(report.sources.first { $0.source == "ncpl-marin" })
        let stepLaw = try XCTUnwrap(report.sources.first { $0.source == "ncpl-steplaw" })
        print(
            String(
                format:
                    "NCPL split, seed %llu: Marin MAE %.4f Spearman %.4f, StepLaw MAE %.4f Spearman %.4f, Huber %.6f, R^2 %.4f (Chinchilla per source: %.4f, %.4f, Huber %.6f)",
                options.seed, marin.finalMAE, marin.finalSpearman, stepLaw.finalMAE, stepLaw.finalSpearman, report.huber, report.rSquared,
                chinchilla.sources.first { $0.source == "ncpl-marin" }!.finalMAE,
                chinchilla.sources.first { $0.source == "ncpl-steplaw" }!.finalMAE,
                chinchilla.huber))
        XCTAssertEqual(report.points, 70255)  // the keys of val's 1,109 losses.json files, counted with Python
        XCTAssertLessThan(marin.finalMAE, 0.0168, "NCPL's fine-tuned Qwen3-1.7B: Marin MAE 0.0168")
        XCTAssertLessThan(stepLaw.finalMAE, 0.0223, "NCPL's fine-tuned Qwen3-1.7B: StepLaw MAE 0.0223")
        XCTAssertLessThan(report.huber, 0.002449, "the refitted Chinchilla's Huber over every point")
        for source in ["ncpl-marin", "ncpl-steplaw"] {
            XCTAssertLessThan(
                report.sources.first { $0.source == source }!.finalMAE, chinchilla.sources.first { $0.source == source }!.finalMAE, source)
        }
    }
}
