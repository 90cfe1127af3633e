// `losscast fit LAW`: fit a scaling law to runs from the store; `--save` writes the fit.
import ArgumentParser
import Foundation
import Laws
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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
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
    static let configuration = CommandConfiguration(abstract: "Predict a configuration's loss from a fitted law (and, later, the neural predictor).")
    @Option(help: "A fit saved by `losscast fit --save`.") var law: String?
    @Option(help: "The configuration: a JSON object or a file.") var config: String?
    @Option(name: .customLong("run"), help: "Predict every point of this stored run instead.") var runID: String?
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard let law else { throw ValidationError("give --law FILE (a fit saved by `losscast fit --save`)") }
        try PredictFromLaw.run(lawPath: law, config: config, runID: runID, store: storeOptions, json: json)
    }
}
