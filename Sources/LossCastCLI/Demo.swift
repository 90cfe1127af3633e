// `losscast demo`: the main job on the bundled default predictor. Predicts a proposed run,
// ranks a grid of learning rates and batch sizes for it, prints the table and writes two
// plots: predicted final loss against learning rate for each batch size, and the best
// candidate's predicted curve with its 90% interval. Then ranks eleven optimizers for a
// proposed 1.2B run (Demo+Optimizers.swift), and finds the best run within a budget on given
// hardware (Demo+Costs.swift), and meets data it never saw (Demo+NewSources.swift).
import ArgumentParser
import Foundation
import Plots
import Predictor
import Runs

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict and rank with the default checkpoint; print a table and write plots.")

    @Option(help: "Folder for the plots.") var output = "demo-output"
    @Option(help: "A predictor checkpoint (default: Checkpoints/default.safetensors).") var checkpoint: String?

    func run() throws {
        try Doctor.printReport(json: false)
        let path = try Paths.checkpoint(checkpoint)
        let predictor = try Predictor.load(path: path)
        let record = predictor.record
        print(
            "\npredictor \(path): \(predictor.memberCount) member(s), \(record.runs) training runs from \(record.sources.joined(separator: ", "));"
                + String(format: " trained in %.0f s", record.seconds))

        let base = Configuration([
            ConfigKey.params: .number(1.07e9), ConfigKey.tokens: .number(5e10), ConfigKey.seqLen: .number(2048),
            ConfigKey.dModel: .number(2048), ConfigKey.nLayers: .number(16), ConfigKey.nHeads: .number(16), ConfigKey.ffnDim: .number(8192),
            ConfigKey.minLR: .number(1e-5),
            // The data distribution (StepLaw's corpus), and only fields StepLaw's runs have:
            // fields that only other sources log would make the candidate look like those.
            "source": .text("steplaw-dense")
        ])
        let rates = [2.5e-4, 5e-4, 1e-3, 2e-3, 4e-3, 8e-3, 1.6e-2]
        let batches = [128.0, 256, 512, 1024, 2048]
        var candidates: [Configuration] = []
        for rate in rates {
            for batch in batches {
                var configuration = base
                configuration[ConfigKey.lr] = .number(rate)
                configuration[ConfigKey.batchSizeSeqs] = .number(batch)
                candidates.append(configuration)
            }
        }
        let predictions = try predictor.predict(candidates).map(\.final)
        let order = predictions.indices.sorted { (predictions[$0].loss, $0) < (predictions[$1].loss, $1) }

        print(
            "\nA 1.07B-parameter model on 50B tokens of StepLaw's data: \(candidates.count) learning-rate x batch-size candidates, ranked")
        print("rank  lr        batch (seqs)  predicted loss  90% interval       divergence risk")
        for (position, index) in order.prefix(10).enumerated() {
            let prediction = predictions[index]
            print(
                String(
                    format: "%4d  %-8.2g  %12.0f  %14.4f  %.4f to %.4f  %14.1f%%", position + 1, candidates[index][ConfigKey.lr]!.number!,
                    candidates[index][ConfigKey.batchSizeSeqs]!.number!, prediction.loss, prediction.lower, prediction.upper,
                    prediction.divergenceProbability * 100))
        }
        let risky = order.filter { predictions[$0].divergenceProbability > 0.5 }
        print("\(risky.count) of \(candidates.count) candidates are likely to diverge (probability over 50%).")

        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var byRate = LinePlot(
            title: "Predicted final loss, 1.07B on 50B tokens", xLabel: "peak learning rate (likely divergence left out)", yLabel: "loss")
        byRate.logX = true
        // Candidates likely to diverge have no meaningful loss: they are left off the lines.
        for batch in batches {
            let indices = candidates.indices.filter {
                candidates[$0][ConfigKey.batchSizeSeqs]!.number! == batch && predictions[$0].divergenceProbability <= 0.5
            }
            byRate.series.append(
                .init(
                    name: "batch \(Int(batch)) seqs",
                    points: indices.map { (candidates[$0][ConfigKey.lr]!.number!, predictions[$0].loss) },
                    band: indices.map { (candidates[$0][ConfigKey.lr]!.number!, predictions[$0].lower, predictions[$0].upper) }))
        }
        try byRate.write(to: output + "/loss_by_learning_rate.svg")

        let best = candidates[order[0]]
        let total = best.completed().totalSteps ?? 1
        let curve = try predictor.predict([best], at: (1...40).map { (total * Double($0) / 40).rounded() })[0]
        var curvePlot = LinePlot(
            title: String(
                format: "Predicted curve of the best candidate (lr %.2g, batch %.0f)", best[ConfigKey.lr]!.number!,
                best[ConfigKey.batchSizeSeqs]!.number!), xLabel: "step", yLabel: "loss")
        curvePlot.series.append(
            .init(
                name: "predicted loss", points: zip(curve.steps, curve.points).map { ($0, $1.loss) },
                band: zip(curve.steps, curve.points).map { ($0, $1.lower, $1.upper) }))
        try curvePlot.write(to: output + "/best_candidate_curve.svg")
        print("\nwrote \(output)/loss_by_learning_rate.svg and \(output)/best_candidate_curve.svg")
        try OptimizerDemo.run(predictor: predictor, output: output)
        try CostDemo.run(predictor: predictor, output: output)
        try NewSourceDemo.run(predictor: predictor)
    }
}
