// `losscast demo`, second part: a proposed 1.2B-parameter run on Marin's data (24B tokens),
// with each of eleven optimizers at every setting Marin's sweep tried at 300M
// (Logs/demo/optimizers_1b.jsonl, written by Tools/demo/optimizer_candidates.py from
// losscast_bench/train). Each optimizer's best setting by predicted final loss, the
// optimizers ranked by it with intervals and divergence risk, and the best five's curves.
import ArgumentParser
import Foundation
import Plots
import Predictor
import Runs

enum OptimizerDemo {
    static let candidatesPath = "Logs/demo/optimizers_1b.jsonl"

    static func run(predictor: Predictor, output: String) throws {
        let path = Paths.absolute(candidatesPath)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            print("\n(no \(candidatesPath): the optimizer comparison is skipped)")
            return
        }
        guard predictor.record.sources.contains("ncpl-marin") else {
            print("\n(the checkpoint never trained on ncpl-marin: the optimizer comparison is skipped)")
            return
        }
        let lines = text.split(separator: "\n").map(String.init)
        let candidates = try lines.enumerated().map { number, line in
            try ConfigurationInput.read(line, option: "\(candidatesPath):\(number + 1)")
        }
        let predictions = try predictor.predict(candidates).map(\.final)
        // Each optimizer's best setting; a setting likely to diverge is never the best.
        let byOptimizer = Dictionary(grouping: candidates.indices, by: { candidates[$0].optimizerName ?? "?" })
        let best = byOptimizer.mapValues { indices in
            indices.min {
                (RiskRule.score(loss: predictions[$0].loss, upper: nil, divergenceProbability: predictions[$0].divergenceProbability), $0)
                    < (
                        RiskRule.score(
                            loss: predictions[$1].loss, upper: nil, divergenceProbability: predictions[$1].divergenceProbability), $1
                    )
            }!
        }
        let ranked = best.sorted { (predictions[$0.value].loss, $0.key) < (predictions[$1.value].loss, $1.key) }
        print("\nA 1.2B-parameter model on 24B tokens of Marin's data (Dolma, eval on C4): eleven optimizers, each at the best of the")
        print("\(candidates.count) settings Marin's sweep tried at 300M, ranked by predicted final loss")
        print("rank  optimizer  settings  lr       wd    warmup  predicted loss  90% interval       divergence risk")
        for (position, entry) in ranked.enumerated() {
            let configuration = candidates[entry.value], prediction = predictions[entry.value]
            print(
                String(
                    format: "%4d  %@  %8d  %-7.2g  %-4.2g  %6.0f  %14.4f  %.4f to %.4f  %14.1f%%", position + 1,
                    entry.key.padding(toLength: 9, withPad: " ", startingAt: 0),
                    byOptimizer[entry.key]!.count, configuration[ConfigKey.lr]?.number ?? .nan,
                    configuration[ConfigKey.weightDecay]?.number ?? .nan, configuration[ConfigKey.warmupSteps]?.number ?? 0,
                    prediction.loss, prediction.lower, prediction.upper, prediction.divergenceProbability * 100))
        }

        let total = candidates[0].totalSteps ?? 1
        let steps = (2...40).map { (total * Double($0) / 40).rounded() }
        let shown = ranked.prefix(5)
        let curves = try predictor.predict(shown.map { candidates[$0.value] }, at: steps)
        var plot = LinePlot(title: "Predicted curves, 1.2B on 24B tokens: the five best optimizers", xLabel: "step", yLabel: "loss (C4)")
        for (entry, curve) in zip(shown, curves) {
            plot.series.append(
                .init(
                    name: entry.key, points: zip(curve.steps, curve.points).map { ($0, $1.loss) },
                    band: zip(curve.steps, curve.points).map { ($0, $1.lower, $1.upper) }))
        }
        try plot.write(to: output + "/optimizer_curves.svg")
        print("wrote \(output)/optimizer_curves.svg")
    }
}
