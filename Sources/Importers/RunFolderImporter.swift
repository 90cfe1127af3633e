// The run-folder format of LossCast-Bench (and of `losscast runs export --format
// run-folders`): one folder per run holding `config.json`, the recipe in nested sections
// (model, optimizer, data, schedule, and top-level fields), and `losses.json`,
// {"step": loss, ...} in nats. The importer reads a run from its `config.json` and the
// `losses.json` beside it.
//
// The recipe is read by the one configuration reader (Runs.Configuration, as a log: a field
// it does not know is kept under its own name, `preconditioner_lr`, `matrix_lr`): sections
// flatten onto the canonical keys (`optimizer.name` is `optimizer`, `data.batch_tokens` is
// `batch_size_tokens`, `schedule.warmdown_ratio` is `decay_fraction`), nested objects and
// `extra` into the same namespace, lists into `name.0`, `name.1`; nulls are left out, and
// outcomes logged in `extra` (bpb, loss, perplexity, accuracy) are dropped, never inputs.
// N comes from `n_params`, else from the architecture (ParameterCount). Tokens seen at a
// step are step x batch tokens.
import Foundation
import Runs

public struct RunFolderImporter: Importer {
    public var format: String { "run-folders" }
    public var defaultSource: String { "run-folders" }
    public init() {}

    public static let configName = "config.json"
    public static let lossesName = "losses.json"
    /// Whether a path is a run folder's `config.json` (a `losses.json` beside it).
    public static func isRunConfig(_ path: String) -> Bool {
        let url = URL(fileURLWithPath: path)
        return url.lastPathComponent == configName
            && FileManager.default.fileExists(atPath: url.deletingLastPathComponent().appendingPathComponent(lossesName).path)
    }

    /// The source a run folder belongs to when none is given: its name's leading words, up to
    /// the first with a digit or a dash (`ncpl_marin_baseline-adam-130m` is `ncpl-marin`,
    /// `nanochat_d12_1B` is `nanochat`); the folder name itself when no word qualifies.
    public static func source(for configPath: String) -> String {
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent().lastPathComponent
        let words = folder.split(separator: "_").prefix { word in !word.contains("-") && !word.contains(where: \.isNumber) }
        return words.isEmpty ? folder : words.joined(separator: "-").lowercased()
    }

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let lossesPath = folder.appendingPathComponent(Self.lossesName).path
        let recipe = try Self.readObject(path)
        var configuration = try Self.configuration(recipe, file: path)
        let name = (recipe["run_id"] as? String) ?? folder.lastPathComponent
        var convention = ParameterConvention.total
        var note: String? = nil
        if configuration[ConfigKey.params] == nil, let estimate = ParameterCount.total(configuration: configuration) {
            configuration[ConfigKey.params] = .number(estimate)
            note = "N computed from the architecture (no n_params)"
        } else if configuration[ConfigKey.params] == nil {
            convention = .unknown
        }
        let curve = try Self.curve(lossesPath, batchTokens: configuration[ConfigKey.batchSizeTokens]?.number)
        try emit(
            sink, source: source, name: name, configuration: configuration, curve: curve, targetLoss: "loss",
            convention: convention, provenance: Provenance(file: path, importer: format, note: note))
        progress?(1)
    }

    static func readObject(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(file: path, problem: "cannot read the file", expected: "a readable JSON file")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw IngestError(file: path, problem: "not valid JSON (\(JSONErrorText.describe(error)))", expected: "a JSON object")
        }
        guard let object = parsed as? [String: Any] else {
            throw IngestError(file: path, problem: "the top level is not an object", expected: "a JSON object")
        }
        return object
    }

    /// The recipe flattened onto canonical keys (Configuration's reader, keeping fields it does not know).
    public static func configuration(_ recipe: [String: Any], file: String) throws -> [String: ConfigValue] {
        try Configuration.read(json: recipe, origin: file, strictness: .log).values
    }

    /// The curve from `losses.json`: every step with its loss, in step order.
    static func curve(_ path: String, batchTokens: Double?) throws -> [CurvePoint] {
        let object = try readObject(path)
        var points: [(Double, Double)] = []
        for (key, value) in object {
            guard let step = Double(key), step >= 0, step.isFinite else {
                throw IngestError(file: path, field: key, problem: "'\(key)' is not a step", expected: "keys that are steps, 0 or more")
            }
            guard !isJSONBoolean(value), let number = value as? NSNumber else {
                throw IngestError(file: path, field: key, problem: "the loss at step \(key) is '\(value)'", expected: "a number")
            }
            let loss = try Validation.loss(number.doubleValue, file: path, line: nil, field: key)
            points.append((step, loss))
        }
        guard !points.isEmpty else { throw IngestError(file: path, problem: "no losses", expected: "{\"step\": loss, ...}") }
        return points.sorted { $0.0 < $1.0 }.map { step, loss in
            CurvePoint(step: step, tokens: batchTokens.map { step * $0 }, losses: ["loss": loss])
        }
    }
}

/// A JSON parse error as one line (Foundation's text runs to several).
enum JSONErrorText {
    static func describe(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}

extension RunFolderImporter {
    /// Every run folder under `path` (or `path` itself), read into memory in name order: with
    /// its curve where `losses.json` exists, else (a run not yet trained, to predict) with
    /// points and no losses at every multiple of `eval_interval` up to the total steps, and
    /// the last step. The source is `source`, else each folder's (`source(for:)`).
    public static func readAll(_ path: String, source: String? = nil) throws -> [Run] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw IngestError(file: path, problem: "no such folder", expected: "a folder of run folders (config.json + losses.json each)")
        }
        var configs: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            if URL(fileURLWithPath: relative).lastPathComponent == configName { configs.append(path + "/" + relative) }
        }
        guard !configs.isEmpty else {
            throw IngestError(
                file: path, problem: "no run folders (no config.json below it)",
                expected: "a folder of run folders (config.json + losses.json each)")
        }
        let sink = CollectingSink()
        let importer = RunFolderImporter()
        for config in configs.sorted() {
            let runSource = source ?? Self.source(for: config)
            if isRunConfig(config) {
                try importer.importFile(config, source: runSource, into: sink, progress: nil)
            } else {
                sink.runs.append(try untrained(config, source: runSource))
            }
        }
        return sink.runs
    }

    /// A run folder with a recipe and no losses: the steps to predict, from the recipe.
    static func untrained(_ path: String, source: String) throws -> Run {
        let recipe = try readObject(path)
        var configuration = try configuration(recipe, file: path)
        if configuration[ConfigKey.params] == nil, let estimate = ParameterCount.total(configuration: configuration) {
            configuration[ConfigKey.params] = .number(estimate)
        }
        guard let total = configuration[ConfigKey.totalSteps]?.number, total >= 1 else {
            throw IngestError(
                file: path, field: "schedule.total_steps", problem: "no losses.json beside it and no total steps",
                expected: "losses.json, or schedule.total_steps (and eval_interval) to say which steps to predict")
        }
        let interval = configuration[ConfigKey.evalInterval]?.number ?? total
        guard interval > 0 else {
            throw IngestError(
                file: path, field: "eval_interval", problem: "eval_interval is \(interval)", expected: "a positive number of steps")
        }
        var steps = Array(stride(from: 0, through: total, by: interval))
        if steps.last != total { steps.append(total) }
        let batch = configuration[ConfigKey.batchSizeTokens]?.number
        let name = (recipe["run_id"] as? String) ?? URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent
        return Run(
            id: name, source: source, name: name, configuration: configuration,
            curve: steps.map { step in CurvePoint(step: step, tokens: batch.map { step * $0 }, losses: [:]) },
            targetLoss: "loss", status: .ok, statusReason: nil, parameterConvention: .total,
            provenance: Provenance(file: path, importer: "run-folders", note: "no losses.json: steps from eval_interval"))
    }
}
