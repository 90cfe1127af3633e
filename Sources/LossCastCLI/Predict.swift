// `losscast predict`: a configuration's final loss, interval and divergence risk from the
// neural predictor (or from a fitted law with --law), and its curve with --steps.
import ArgumentParser
import Backtest
import ConfigTree
import Costs
import Foundation
import Importers
import Laws
import Predictor
import RunStore
import Runs

/// `losscast predict --law FILE`: the law's prediction for a configuration, or for every
/// point of a stored run.
struct PredictFromLaw {
    static func run(lawPath: String, config: String?, runID: String?, store: StoreOptions, json: Bool) throws {
        guard let data = FileManager.default.contents(atPath: lawPath) else {
            throw ValidationError("--law \(lawPath): cannot read the file")
        }
        let report: LawReport
        do { report = try JSONDecoder().decode(LawReport.self, from: data) } catch {
            throw ValidationError("--law \(lawPath): not a saved fit (\(error))")
        }
        let law = try LawRegistry.law(named: report.law)
        var run: Run
        if let runID {
            guard let stored = try store.openExisting().run(idOrName: runID) else {
                throw ValidationError("--run \(runID): no run has that id prefix or name; see `losscast runs list`")
            }
            run = stored
        } else if let config {
            // A law's point is N, D and a loss it fits to; predicting, it reads N and D only.
            run = try ConfigurationRun.make(configuration: try ConfigurationInput.read(config))
            run.curve[run.curve.count - 1].losses[run.targetLoss] = 1
        } else {
            throw ValidationError("give --config FILE|JSON or --run ID")
        }
        let predictions = law.predict(report, run: run)
        guard !predictions.isEmpty else {
            throw ValidationError(
                "the \(report.law) law cannot read this configuration: it needs \(law.readsSchedule ? "a run with a logged schedule (--run ID)" : "params and tokens")"
            )
        }
        if json {
            try printJSON(predictions.map { ["predicted": $0.predicted] })
        } else if runID != nil {
            for (index, value) in predictions.enumerated() {
                print(String(format: "point %3d  predicted %.4f  actual %.4f", index, value.predicted, value.actual))
            }
        } else {
            print(String(format: "predicted final loss (%@): %.4f", report.law, predictions[0].predicted))
        }
    }
}

/// A configuration given on the command line: a JSON object, or a path to a JSON or YAML
/// file, flat or in a recipe's sections, read by the one reader (Configuration.read).
/// `reads`: the fields the loaded checkpoint reads beyond the known table
/// (FeatureEncoder.statedKeys), which a proposal may state.
enum ConfigurationInput {
    static func read(_ text: String, option: String = "--config", reads: Set<String> = []) throws -> Configuration {
        try InputErrors.asUsage { try Configuration.read(text, origin: option, alsoKnown: reads) }
    }

    /// One field typed on the command line (`--grid lr=...`, `--set params=...`): a number, a
    /// boolean or else a name, read as a one-field configuration (no JSON text is built), so
    /// a typo gets the near name and a name where a number goes is refused.
    static func field(_ key: String, _ text: String, option: String, reads: Set<String> = []) throws -> [String: ConfigValue] {
        let node: ConfigNode =
            Double(text).map(ConfigNode.number) ?? (text == "true" || text == "false" ? .bool(text == "true") : .string(text))
        return try InputErrors.asUsage {
            try Configuration.read(.object([ConfigNode.Entry(key, node)]), origin: "\(option) \(key)", alsoKnown: reads).values
        }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict a configuration's final loss, 90% interval and divergence risk (and its curve with --steps).")
    @Option(help: "A predictor checkpoint (default: $LOSSCAST_CHECKPOINT, else Checkpoints/default.safetensors).") var checkpoint: String?
    @Option(help: "A fit saved by `losscast fit --save`, to predict with a law instead.") var law: String?
    @Option(help: "The configuration: a JSON object or a file, e.g. {\"params\": 1e9, \"tokens\": 2e10, \"lr\": 0.002}.") var config:
        String?
    @Option(help: "Points of the curve: FROM:TO:COUNT steps.") var steps: String?
    @Option(
        name: .customLong("run"),
        help:
            "A stored run (id prefix or name): predict it from its own configuration and logged rates, at every logged point beside its loss (or at --steps); with --law, the law's prediction of every point."
    ) var runID: String?
    @Option(
        help:
            "A folder of run folders (config.json, and losses.json when trained): predict every step each lists (else every eval_interval) and write --out."
    ) var runs: String?
    @Option(help: "With --runs: the predictions file to write (LossCast-Bench's format, with 90% intervals).") var out: String?
    @Option(help: "With --runs: the source of every run (default: each folder name's leading words, e.g. ncpl-marin).") var source: String?
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup(title: "Cost (with --hardware and --chips: the run's training cost, 6 N D FLOP, beside the loss)")
    var hardwareOptions: HardwareOptions
    @Flag(help: "Print JSON.") var json = false

    /// Points one `--steps` curve may ask for.
    static let maximumCurvePoints = 100_000

    func run() throws {
        if let law {
            try PredictFromLaw.run(lawPath: law, config: config, runID: runID, store: storeOptions, json: json)
            return
        }
        if let runs {
            guard let out else { throw ValidationError("--runs needs --out FILE, the predictions file to write") }
            try PredictRunFolders.run(folder: runs, source: source, out: out, checkpoint: try Paths.checkpoint(checkpoint))
            return
        }
        let wanted = try requestedSteps()
        if let runID {
            guard config == nil else {
                throw ValidationError("give --run ID or --config, not both: a stored run is predicted from its own configuration")
            }
            try PredictStoredRun.run(
                idOrName: runID, steps: wanted, checkpoint: try Paths.checkpoint(checkpoint), store: storeOptions, json: json)
            return
        }
        guard let config else {
            throw ValidationError("give --config FILE|JSON, --run ID, --runs DIR --out FILE, or --law FILE with --run ID")
        }
        let predictor = try Predictor.load(path: try Paths.checkpoint(checkpoint))
        let configuration = try ConfigurationInput.read(config, reads: predictor.encoder.statedKeys)
        let curve = try InputErrors.asUsage("--config: ") { try predictor.predict([configuration], at: wanted)[0] }
        let predictions = curve.points
        let cost =
            hardwareOptions.isGiven ? try hardwareOptions.estimate(flop: try Cost.trainingFLOP(config: config, flop: nil).value) : nil
        // What the checkpoint never saw, said before any number (on standard error beside JSON).
        if let novelty = predictor.novelty([configuration.values]) {
            printNote(novelty, json: json)
        }
        if json, let cost {
            // With a cost: one document holding both.
            struct Priced: Encodable {
                var predictions: [[String: Double]]
                var cost: CostEstimate
            }
            try printJSON(Priced(predictions: Self.rows(curve), cost: cost))
            return
        }
        if json {
            try printJSON(Self.rows(curve))
            return
        }
        if predictions.count == 1, let prediction = predictions.first {
            print(
                String(
                    format: "predicted final loss %.4f (90%% interval %.4f to %.4f); divergence probability %.1f%%",
                    prediction.loss, prediction.lower, prediction.upper, prediction.divergenceProbability * 100)
                    + (prediction.newSource != true
                        ? "" : configuration["source"] == nil ? "; no source stated (see the note)" : "; a new source (see the note)"))
            if prediction.divergenceProbability > 0.5 {
                print("warning: this configuration is likely to diverge; the loss above assumes it does not")
            }
            if let why = try predictor.explain(configuration).summary { print("interval: " + why) }
            if let cost { Self.printCost(cost) }
            return
        }
        print("    step      loss   90% interval        divergence")
        for (step, prediction) in zip(curve.steps, predictions) {
            print(
                String(
                    format: "%8.0f   %.4f   %.4f to %.4f   %5.1f%%", step, prediction.loss, prediction.lower, prediction.upper,
                    prediction.divergenceProbability * 100))
        }
        if let cost { Self.printCost(cost) }
    }

    /// The steps `--steps FROM:TO:COUNT` asks for, nil without it.
    func requestedSteps() throws -> [Double]? {
        guard let steps else { return nil }
        let parts = steps.split(separator: ":").map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let count = parts[2], from >= 1, to >= from, count >= 1,
            count == count.rounded(), to <= 1e12
        else {
            throw ValidationError(
                "--steps \(steps.prefix(80)): expected FROM:TO:COUNT with 1 <= FROM <= TO <= 1e12 and a whole COUNT, e.g. 1000:20000:20")
        }
        guard count <= Double(Self.maximumCurvePoints) else {
            throw ValidationError(
                "--steps \(steps.prefix(80)): \(count) points is more than \(Self.maximumCurvePoints); a curve needs far fewer")
        }
        return (0..<Int(count)).map { index in count == 1 ? to : (from + (to - from) * Double(index) / (count - 1)).rounded() }
    }

    /// The curve's points as JSON rows; no step without a batch size (the end of training).
    static func rows(_ curve: CurvePrediction) -> [[String: Double]] {
        zip(curve.steps, curve.points).map { step, prediction in
            var row = [
                "loss": prediction.loss, "lower90": prediction.lower, "upper90": prediction.upper,
                "divergence_probability": prediction.divergenceProbability
            ]
            if step.isFinite { row["step"] = step }
            if prediction.newSource == true { row["new_source"] = 1 }
            return row
        }
    }

    /// One line of what the run costs (`losscast cost` gives the rest).
    static func printCost(_ cost: CostEstimate) {
        let cloud = cost.cloud[Commitment.threeYear.rawValue].map { "$\(Cost.grouped($0.cost.adjusted)) rented (3-year)" }
        let amortized = cost.amortized.map { "$\(Cost.grouped($0.total.adjusted)) amortized" }
        print(
            String(format: "cost: %d x %@ at %.1f%% MFU: ", cost.chips, cost.chip, cost.utilization * 100) + Cost.duration(cost.seconds)
                + ", \(Cost.grouped(cost.chipHours)) chip-hours, " + ([cloud, amortized].compactMap { $0 }.joined(separator: ", "))
                + " (2023 dollars)")
        for note in cost.assumed { print("assumed: " + note) }
    }
}

/// `predict --runs DIR --out FILE`: the benchmark's predictions file for every run folder.
enum PredictRunFolders {
    static func run(folder: String, source: String?, out: String, checkpoint: String) throws {
        let predictor = try Predictor.load(path: checkpoint)
        let runs = try RunFolderImporter.readAll(folder, source: source)
        let start = Date()
        let points = runs.flatMap { run in StepContext.contexts(for: run).map { (run: run, context: $0) } }
        let predictions = predictor.predict(points)
        try PredictionsFile(runs: runs, values: predictions.map(\.loss), intervals: predictions.map { ($0.lower, $0.upper) }).write(to: out)
        let unseen = Set(runs.map(\.source)).subtracting(predictor.record.sources).sorted()
        print(
            String(
                format: "predicted %d points of %d runs in %.1f s; wrote %@", points.count, runs.count, Date().timeIntervalSince(start), out
            ))
        if !unseen.isEmpty {
            print(
                "note: the checkpoint never trained on source(s) \(unseen.joined(separator: ", ")); their loss level is a guess (trained on \(predictor.record.sources.joined(separator: ", ")))"
            )
        }
    }
}
