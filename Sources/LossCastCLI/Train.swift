// `losscast train`: train the neural predictor on runs from the store and save a checkpoint.
import ArgumentParser
import Backtest
import Foundation
import Predictor
import RunStore
import Runs

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train the neural predictor on runs in the store.")

    @OptionGroup var selection: TrainingSelection
    @Option(help: "none (train on everything), random, by-size, by-compute, by-source or top:FIELD:K (see `losscast eval`).")
    var split = "none"
    @OptionGroup var splitOptions: SplitOptions
    @Option(help: "The network.") var model = NetworkKind.mlp
    @OptionGroup var ensembleOptions: EnsembleOptions
    @Option(help: "Samples per optimizer step (default 128).") var batchSize: Int?
    @Option(help: "The networks' peak learning rate (default 2e-3 for mlp, 1e-3 for transformer).") var learningRate: Float?
    @Option(help: "Points taken from each run's curve, evenly spaced and ending at the last (default 16).") var pointsPerRun: Int?
    @Flag(
        help:
            "Calibrate the interval of a source the checkpoint never trained on: leave each training source out in turn and train a one-member predictor on the rest (one more training per source; three sources or more)."
    )
    var newSources = false
    @Option(help: "Checkpoint to write.") var out = "Checkpoints/trained.safetensors"
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print the test metrics as JSON.") var json = false
    @Flag(help: "Print training progress as lines on standard error (for logs; a terminal gets a progress bar).") var verbose = false

    func validate() throws {
        guard (batchSize ?? 1) >= 1 else { throw ValidationError("--batch-size \(batchSize!): expected at least 1") }
        guard (learningRate ?? 1) > 0 else { throw ValidationError("--learning-rate \(learningRate!): expected a positive rate") }
        guard (pointsPerRun ?? 1) >= 1 else { throw ValidationError("--points-per-run \(pointsPerRun!): expected at least 1") }
        _ = try splitOptions.split(split, seed: 0)
        // A mistyped folder is an error, not a new directory tree made from the root.
        let folder = URL(fileURLWithPath: Paths.absolute(out)).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--out \(out): the folder \(folder) does not exist; create it first")
        }
    }

    func run() throws {
        let runs = try selection.runs(storeOptions)
        let sides = try InputErrors.asUsage { try splitOptions.split(split, seed: ensembleOptions.seed).apply(runs) }
        let (train, test) = (sides.train, sides.test)
        var options = ensembleOptions.applied(to: TrainingOptions(model: model))
        options.batchSize = batchSize ?? options.batchSize
        options.learningRate = learningRate ?? options.learningRate
        options.maxPointsPerRun = pointsPerRun ?? options.maxPointsPerRun
        options.split = split
        options.calibratesNewSources = newSources
        // The bar counts epochs over every member: the trainer's messages say "member i/n: epoch e/E".
        let bar = ProgressBar(total: 1_000, label: "train")
        var fraction = 0.0
        let predictor = try Trainer.train(runs: train, options: options) { message in
            if verbose { FileHandle.standardError.write(Data((message + "\n").utf8)); return }
            fraction = Train.fraction(message) ?? fraction
            bar.update(Int(fraction * 1_000), detail: message.replacingOccurrences(of: "validation ", with: ""))
        }
        bar.finish()
        try predictor.save(path: out)
        print(
            String(
                format: "trained on %d runs (%d samples) in %.1f s; validation MAE %.4f; saved %@",
                train.count, predictor.record.samples, predictor.record.seconds, predictor.record.validationMAE, out))
        print("baseline: \(predictor.baseline.selection ?? predictor.baseline.law.rawValue)")
        if let level = predictor.calibration.newSourceDeviation {
            print(
                String(
                    format: "a new source's loss level: deviation %.4f, from leaving each of the %d sources out", level,
                    Set(train.map(\.source)).count))
        }
        guard !test.isEmpty else { return }
        let report = Evaluation.finalPoint(predictor, test)
        if json {
            try printJSON(report)
        } else {
            print(report.summary)
        }
    }
}

extension Train {
    /// How far training is from a trainer message "member i/n: epoch e/E, ...": (i - 1 + e/E) / n;
    /// nil for a message without both (calibration, a member starting).
    static func fraction(_ message: String) -> Double? {
        func pair(after word: String) -> (Double, Double)? {
            guard let range = message.range(of: word + " ") else { return nil }
            let numbers = message[range.upperBound...].prefix { $0.isNumber || $0 == "/" }.split(separator: "/").compactMap { Double($0) }
            return numbers.count == 2 && numbers[1] > 0 ? (numbers[0], numbers[1]) : nil
        }
        guard let (member, members) = pair(after: "member"), let (epoch, epochs) = pair(after: "epoch") else { return nil }
        return min(1, (member - 1 + epoch / epochs) / members)
    }
}
