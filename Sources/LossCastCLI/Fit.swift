// `losscast fit LAW`: fit a scaling law to runs from the store; `--save` writes the fit.
import ArgumentParser
import Foundation
import Laws
import Predictor
import RunStore
import Runs

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a scaling law to runs in the store.",
        discussion: "Laws: \(LawRegistry.all.map { "\($0.name) (\($0.formula))" }.joined(separator: "; ")).")

    @Argument(help: "The law: \(LawRegistry.all.map(\.name).joined(separator: ", ")).") var law: String
    @OptionGroup var filter: RunsCommand.Filter
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Bootstrap resamples over runs, for 95% intervals.") var bootstrap = 0
    @Option(help: "Huber delta on log-loss residuals.") var huberDelta = 1e-3
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 0
    @Flag(help: "Include runs marked diverged (left out by default).") var includeDiverged = false
    @Option(help: "Write the fit to this JSON file.") var save: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let chosen = try LawRegistry.law(named: law)
        var query = try filter.query()
        if query.statuses.isEmpty && !includeDiverged { query.statuses = [.ok, .truncated] }
        let runs = try storeOptions.open().runs(query)
        guard !runs.isEmpty else { throw ValidationError("no runs match the selection; see `losscast runs list`") }
        var options = FitOptions()
        options.bootstrapResamples = bootstrap
        options.huberDelta = huberDelta
        options.seed = seed
        let selection = "sources \(filter.source.isEmpty ? "all" : filter.source.joined(separator: ",")); "
            + "where \(filter.conditions.joined(separator: " and ")); \(runs.count) runs"
        let report = try chosen.fit(runs: runs, options: options, selection: selection)
        if let save {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: save), options: .atomic)
        }
        if json {
            try printJSON(report)
            return
        }
        print("\(report.law): \(report.formula)")
        print("fitted on \(report.points) points from \(report.runs) runs (\(report.selection))")
        for name in report.naturalOrder {
            var line = "  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%12.6g", report.natural[name]!))"
            if let interval = report.intervals?[name] {
                line += String(format: "   95%% interval %.6g to %.6g (%d resamples)", interval[0], interval[1], report.bootstrapResamples)
            }
            print(line)
        }
        print(String(format: "R^2 %.5f   MAE %.5f   RMSE %.5f on the fitted points", report.rSquared, report.meanAbsoluteError, report.rootMeanSquaredError))
        if let save { print("saved to \(save)") }
    }
}

/// `losscast predict --law FILE`: the law's prediction for a configuration, or for every
/// point of a stored run.
struct PredictFromLaw {
    static func run(lawPath: String, config: String?, runID: String?, store: StoreOptions, json: Bool) throws {
        guard let data = FileManager.default.contents(atPath: lawPath) else { throw ValidationError("--law \(lawPath): cannot read the file") }
        let report: LawReport
        do { report = try JSONDecoder().decode(LawReport.self, from: data) } catch {
            throw ValidationError("--law \(lawPath): not a saved fit (\(error))")
        }
        let law = try LawRegistry.law(named: report.law)
        let run: Run
        if let runID {
            guard let stored = try store.open().run(id: runID) else { throw ValidationError("--run \(runID): no such run") }
            run = stored
        } else if let config {
            run = try ConfigurationInput.run(from: config, loss: 1)
        } else {
            throw ValidationError("give --config FILE|JSON or --run ID")
        }
        let predictions = law.predict(report, run: run)
        guard !predictions.isEmpty else {
            throw ValidationError("the \(report.law) law cannot read this configuration: it needs \(report.law == "mpl" || report.law == "annealing" ? "a run with a logged schedule (--run ID)" : "params and tokens")")
        }
        if json {
            let rows = predictions.map { ["predicted": $0.predicted] }
            print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted]), as: UTF8.self))
        } else if runID != nil {
            for (index, value) in predictions.enumerated() {
                print(String(format: "point %3d  predicted %.4f  actual %.4f", index, value.predicted, value.actual))
            }
        } else {
            print(String(format: "predicted final loss (%@): %.4f", report.law, predictions[0].predicted))
        }
    }
}

/// A configuration given on the command line: a JSON object, or a path to a JSON or YAML file.
enum ConfigurationInput {
    static func run(from text: String, loss: Double) throws -> Run {
        let raw: Data
        if FileManager.default.fileExists(atPath: text), let contents = FileManager.default.contents(atPath: text) { raw = contents }
        else { raw = Data(text.utf8) }
        guard let object = try? JSONSerialization.jsonObject(with: raw) as? [String: Any] else {
            throw ValidationError("--config: expected a JSON object such as {\"params\": 1e9, \"tokens\": 2e10} or a path to one")
        }
        var configuration: [String: ConfigValue] = [:]
        for (key, value) in object {
            let canonical = ConfigKey.canonical(key)
            if let number = value as? NSNumber, !(value is Bool) {
                guard number.doubleValue.isFinite else { throw ValidationError("--config field '\(key)': not a finite number") }
                if ConfigKey.positive.contains(canonical) && number.doubleValue <= 0 {
                    throw ValidationError("--config field '\(key)': \(number.doubleValue) must be positive")
                }
                configuration[canonical] = .number(number.doubleValue)
            } else if let flag = value as? Bool {
                configuration[canonical] = .flag(flag)
            } else if let string = value as? String {
                configuration[canonical] = .text(string)
            } else {
                throw ValidationError("--config field '\(key)': expected a number, string or boolean")
            }
        }
        return Run(source: "input", name: "configuration", configuration: configuration,
                   curve: [CurvePoint(step: configuration[ConfigKey.totalSteps]?.number, tokens: configuration[ConfigKey.tokens]?.number,
                                      losses: ["loss": loss])],
                   targetLoss: "loss", parameterConvention: .unknown, provenance: Provenance(file: "--config", importer: "command line"))
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict a configuration's final loss, 90% interval and divergence risk (and its curve with --steps).")
    @Option(help: "A predictor checkpoint (default: $LOSSCAST_CHECKPOINT, else Checkpoints/default.safetensors).") var checkpoint: String?
    @Option(help: "A fit saved by `losscast fit --save`, to predict with a law instead.") var law: String?
    @Option(help: "The configuration: a JSON object or a file, e.g. {\"params\": 1e9, \"tokens\": 2e10, \"lr\": 0.002}.") var config: String?
    @Option(help: "Points of the curve: FROM:TO:COUNT steps.") var steps: String?
    @Option(name: .customLong("run"), help: "With --law: predict every point of this stored run.") var runID: String?
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        if let law {
            try PredictFromLaw.run(lawPath: law, config: config, runID: runID, store: storeOptions, json: json)
            return
        }
        guard let config else { throw ValidationError("give --config FILE|JSON (or --law FILE with --run ID)") }
        let predictor = try Predictor.load(path: checkpoint ?? Paths.defaultCheckpoint)
        let base = try ConfigurationInput.run(from: config, loss: 1).configuration
        var wanted: [Double]? = nil
        if let steps {
            let parts = steps.split(separator: ":").map { Double($0) }
            guard parts.count == 3, let from = parts[0], let to = parts[1], let count = parts[2], from >= 1, to >= from, count >= 1 else {
                throw ValidationError("--steps \(steps): expected FROM:TO:COUNT with 1 <= FROM <= TO, e.g. 1000:20000:20")
            }
            wanted = (0..<Int(count)).map { index in count == 1 ? to : (from + (to - from) * Double(index) / (count - 1)).rounded() }
        }
        let run = ConfigurationRun.make(configuration: base, steps: wanted)
        let points = ConfigurationRun.wantedPoints(run)
        let predictions = predictor.predict(points)
        if json {
            let rows: [[String: Double]] = zip(points, predictions).map { point, prediction in
                ["step": point.context.step ?? .nan, "loss": prediction.loss, "lower90": prediction.lower, "upper90": prediction.upper,
                 "divergence_probability": prediction.divergenceProbability]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        if predictions.count == 1, let prediction = predictions.first {
            print(String(format: "predicted final loss %.4f (90%% interval %.4f to %.4f); divergence probability %.1f%%",
                         prediction.loss, prediction.lower, prediction.upper, prediction.divergenceProbability * 100))
            if prediction.divergenceProbability > 0.5 { print("warning: this configuration is likely to diverge; the loss above assumes it does not") }
            return
        }
        print("    step      loss   90% interval        divergence")
        for (point, prediction) in zip(points, predictions) {
            print(String(format: "%8.0f   %.4f   %.4f to %.4f   %5.1f%%", point.context.step ?? 0, prediction.loss, prediction.lower, prediction.upper,
                         prediction.divergenceProbability * 100))
        }
    }
}

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank candidate configurations by predicted final loss, with intervals and divergence risk.",
        discussion: "Candidates: a JSONL file (one configuration per line), or --base JSON with --grid FIELD=V1,V2,... (repeatable) for their product.")
    @Option(help: "A predictor checkpoint (default: Checkpoints/default.safetensors).") var checkpoint: String?
    @Option(help: "A JSONL file of configurations.") var candidates: String?
    @Option(help: "The configuration every grid point shares (JSON or a file).") var base: String?
    @Option(help: "FIELD=V1,V2,... (repeatable): the grid's axes.") var grid: [String] = []
    @Option(help: "Show the best K.") var top = 10
    @Flag(help: "Rank by the upper end of the 90% interval plus a penalty for divergence risk, not the mean.") var riskAdjusted = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let predictor = try Predictor.load(path: checkpoint ?? Paths.defaultCheckpoint)
        let configurations = try CandidateInput.configurations(file: candidates, base: base, grid: grid)
        let start = Date()
        let runs = configurations.map { ConfigurationRun.make(configuration: $0) }
        let predictions = predictor.predict(runs.map { ($0, StepContext.contexts(for: $0).last ?? StepContext()) })
        let seconds = Date().timeIntervalSince(start)
        func score(_ p: Prediction) -> Double { riskAdjusted ? p.upper + p.divergenceProbability * 10 : p.loss }
        let order = predictions.indices.sorted { (score(predictions[$0]), $0) < (score(predictions[$1]), $1) }.prefix(top)
        if json {
            let rows: [[String: Any]] = order.map { index in
                ["rank": (order.firstIndex(of: index) ?? 0) + 1, "configuration": configurations[index].mapValues { $0.description },
                 "loss": predictions[index].loss, "lower90": predictions[index].lower, "upper90": predictions[index].upper,
                 "divergence_probability": predictions[index].divergenceProbability]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        let axes = grid.compactMap { $0.split(separator: "=").first.map { ConfigKey.canonical(String($0)) } }
        let shown = axes.isEmpty ? Array(Set(configurations.flatMap(\.keys))).sorted().prefix(4).map { $0 } : axes
        print("rank  " + shown.map { $0.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined() + "loss    90% interval      diverge")
        for (position, index) in order.enumerated() {
            let fields = shown.map { (configurations[index][$0]?.description ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0) + " " }.joined()
            print(String(format: "%4d  %@%.4f  %.4f to %.4f  %5.1f%%", position + 1, fields, predictions[index].loss, predictions[index].lower,
                         predictions[index].upper, predictions[index].divergenceProbability * 100))
        }
        print(String(format: "%d candidates ranked in %.2f s", configurations.count, seconds))
    }
}

enum CandidateInput {
    static func configurations(file: String?, base: String?, grid: [String]) throws -> [[String: ConfigValue]] {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("--candidates \(file): cannot read the file") }
            var result: [[String: ConfigValue]] = []
            for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                do { result.append(try ConfigurationInput.run(from: String(line), loss: 1).configuration) } catch {
                    throw ValidationError("--candidates \(file):\(number + 1): \(error)")
                }
            }
            guard !result.isEmpty else { throw ValidationError("--candidates \(file): no configurations") }
            return result
        }
        guard let base else { throw ValidationError("give --candidates FILE, or --base JSON with --grid FIELD=V1,V2,...") }
        var product = [try ConfigurationInput.run(from: base, loss: 1).configuration]
        for axis in grid {
            let parts = axis.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--grid \(axis): expected FIELD=V1,V2,...") }
            let key = ConfigKey.canonical(parts[0])
            let values = parts[1].split(separator: ",").map { ConfigValue.parse(String($0)) }
            guard !values.isEmpty else { throw ValidationError("--grid \(axis): no values") }
            for value in values where ConfigKey.positive.contains(key) && !(value.number.map { $0 > 0 && $0.isFinite } ?? false) {
                throw ValidationError("--grid \(axis): \(key) must be a positive number, got \(value)")
            }
            product = product.flatMap { configuration in values.map { var next = configuration; next[key] = $0; return next } }
        }
        return product
    }
}
