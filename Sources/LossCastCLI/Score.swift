// `losscast score`: a predictions file scored against run folders, as LossCast-Bench scores
// it (every step of every run), per source; with --chinchilla-from, Chinchilla refitted per
// source on another folder's runs (their final losses) scored beside it on the same points.
import ArgumentParser
import Backtest
import Foundation
import Importers
import Predictor
import Runs

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a predictions file against run folders (LossCast-Bench's metrics, per source).")

    @Option(help: "The folder of run folders the predictions are for (e.g. losscast_bench/val).") var runs: String
    @Option(help: "The predictions file (`losscast predict --runs DIR --out FILE`).") var predictions: String
    @Option(help: "Also fit Chinchilla per source on this folder's runs (e.g. losscast_bench/train) and score it on the same points.")
    var chinchillaFrom: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let scored = try RunFolderImporter.readAll(runs).filter { !$0.curve.isEmpty && $0.finalLoss != nil }
        var reports = [
            ("predictions", try CurveBenchmark.score(runs: scored, predictions: PredictionsFile.read(predictions), fileName: predictions))
        ]
        if let chinchillaFrom {
            let train = try RunFolderImporter.readAll(chinchillaFrom).filter {
                $0.status != .diverged && $0.params != nil && $0.tokens != nil
            }
            let law = try Baseline.fitted(.law(.chinchilla), healthy: train)
            let values = scored.flatMap { run in StepContext.contexts(for: run).map { law.value(run: run, context: $0) } }
            reports.append(
                (
                    "chinchilla per source",
                    try CurveBenchmark.score(runs: scored, predictions: PredictionsFile(runs: scored, values: values))
                ))
        }
        if json {
            try printJSON(Dictionary(uniqueKeysWithValues: reports))
            return
        }
        for (name, report) in reports {
            print("\n\(name): \(report.runs) runs, \(report.points) points")
            print(
                String(
                    format: "  every point: Huber %.6f  R^2 %.4f  MAPE %.2f%%  MAE %.4f%@", report.huber, report.rSquared,
                    report.mape * 100, report.mae,
                    report.coverage.map { String(format: "  90%% coverage %.1f%%", $0 * 100) } ?? ""))
            print("  source            runs  final MAE  RMSE    Spearman  bias     coverage  width    score    regret (random)   Huber")
            for source in report.sources {
                let coverage = source.finalCoverage.map { String(format: "%7.1f%%", $0 * 100) } ?? "       -"
                let width = source.medianIntervalWidth.map { String(format: "%7.4f", $0) } ?? "      -"
                let score = source.intervalScore.map { String(format: "%7.4f", $0) } ?? "      -"
                let regret =
                    source.regretPercent.map { String(format: "%5.2f%% (%5.2f%%)", $0, source.randomRegretPercent!) } ?? "        -       "
                let name = source.source.count >= 16 ? source.source : source.source.padding(toLength: 16, withPad: " ", startingAt: 0)
                print(
                    String(
                        format: "  %@ %5d  %8.4f  %7.4f %8.4f  %+7.4f  %@  %@  %@  %@  %.6f", name, source.runs, source.finalMAE,
                        source.finalRMSE, source.finalSpearman, source.finalBias, coverage, width, score, regret, source.huber))
            }
        }
    }
}
