// A W&B history export: JSON lines with `_step` and logged keys (`train/loss`, `lr`, ...),
// with the run's configuration beside it in W&B's config.yaml (each key wrapped as
// {value: ...}) or a plain config.json. Rows logged at the same step are merged; rows
// without the target loss (eval-only rows, system metrics) add their losses to the step
// they share or are skipped.
import Foundation
import Runs
import ConfigTree

public struct WandbImporter: Importer {
    public let format = "wandb"
    public let defaultSource = "wandb"
    /// The loss a run is judged by; nil picks the first of `targetCandidates` present.
    public var target: String?
    public init(target: String? = nil) { self.target = target }

    static let targetCandidates = ["train/loss", "loss", "train_loss", "training_loss", "eval/loss", "val/loss", "val_loss"]
    static let learningRateKeys = ["lr", "learning_rate", "train/lr", "train/learning_rate", "optim/learning_rate_group0", "trainer/lr"]
    static let tokenKeys = ["tokens", "train/tokens", "tokens_seen", "throughput/total_tokens", "train/tokens_seen"]

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let configuration = try WandbImporter.loadConfiguration(folder: folder.path)
        let reader = try LineReader(path: path)
        // One run per file, or several when the lines carry a run column (histories of many
        // runs concatenated, as `wandb.Api().runs(...)` exports often are): split by it.
        var runKey: String?? = .none
        var current: (name: String?, line: Int, points: [CurvePoint], lines: [Int])? = nil
        var finished = Set<String>()
        var chosenTarget = target
        func flush() throws {
            guard let run = current else { return }
            try emitRun(
                run.name, firstLine: run.line, points: run.points, lines: run.lines, configuration: configuration,
                target: chosenTarget, folder: folder, path: path, source: source, sink: sink)
            if let name = run.name { finished.insert(name) }
            current = nil
        }
        while let line = try reader.nextLine() {
            guard let record = try JSONLinesTable.object(line, path: path, line: reader.lineNumber) else { continue }
            if case .none = runKey { runKey = .some(WandbImporter.runKeys.first { record[$0] is String || record[$0] is NSNumber }) }
            let name = runKey!.map { key in record[key].map { "\($0)" } ?? "" }
            if current == nil || current!.name != name {
                try flush()
                if let name, finished.contains(name) {
                    throw IngestError(
                        file: path, line: reader.lineNumber, field: runKey!, problem: "run '\(name)' appears again after other runs",
                        expected: "each run's lines together (sort the export by run, then _step)")
                }
                current = (name, reader.lineNumber, [], [])
            }
            let numeric = record.compactMapValues { isJSONBoolean($0) ? nil : ($0 as? NSNumber)?.doubleValue }
            let step = numeric["_step"]
            var losses: [String: Double] = [:]
            for (key, value) in numeric where key.lowercased().contains("loss") {
                losses[key] = try Validation.loss(value, file: path, line: reader.lineNumber, field: key)
            }
            if chosenTarget == nil { chosenTarget = WandbImporter.targetCandidates.first { losses[$0] != nil } }
            let rate = WandbImporter.learningRateKeys.lazy.compactMap { numeric[$0] }.first
            let tokens = WandbImporter.tokenKeys.lazy.compactMap { numeric[$0] }.first
            if let last = current!.points.last?.step, let step, step < last {
                throw IngestError(
                    file: path, line: reader.lineNumber, field: "_step",
                    problem:
                        "_step \(String(format: "%g", step)) follows _step \(String(format: "%g", last)) (line \(current!.lines.last!)): \(name.map { "run '\($0)'" } ?? "the file, read as one run,") holds several runs",
                    expected: "one run's history per file, or a run column (\(WandbImporter.runKeys.joined(separator: ", "))) on every line"
                )
            }
            if let last = current!.points.last, last.step != nil, last.step == step {
                let index = current!.points.count - 1
                current!.points[index].losses.merge(losses) { $1 }
                if current!.points[index].learningRate == nil { current!.points[index].learningRate = rate }
                if current!.points[index].tokens == nil { current!.points[index].tokens = tokens }
            } else if !losses.isEmpty {
                current!.points.append(CurvePoint(step: step, tokens: tokens, learningRate: rate, losses: losses))
                current!.lines.append(reader.lineNumber)
            }
            if reader.lineNumber % 8192 == 0 { progress?(reader.bytesRead) }
        }
        try flush()
        progress?(reader.bytesRead)
        if finished.isEmpty && chosenTarget == nil {
            throw IngestError(
                file: path, field: "loss", problem: "no logged key is a loss this importer knows",
                expected: "one of \(WandbImporter.targetCandidates.joined(separator: ", ")), or --target")
        }
    }

    /// The columns naming the run in a history of several runs.
    static let runKeys = ["run_id", "_run_id", "run_name", "run"]

    /// One run's points, kept where the target loss was logged, handed to the sink.
    func emitRun(
        _ runName: String?, firstLine: Int, points: [CurvePoint], lines: [Int], configuration: [String: ConfigValue],
        target: String?, folder: URL, path: String, source: String, sink: RunSink
    ) throws {
        guard let targetLoss = target else {
            throw IngestError(
                file: path, line: firstLine, field: "loss", problem: "no logged key is a loss this importer knows",
                expected: "one of \(WandbImporter.targetCandidates.joined(separator: ", ")), or --target")
        }
        let kept = points.indices.filter { points[$0].losses[targetLoss] != nil }
        var configuration = configuration
        if configuration[ConfigKey.totalSteps] == nil, let steps = configuration["max_steps"]?.number {
            configuration[ConfigKey.totalSteps] = .number(steps)
        }
        let name = runName ?? configuration["run_name"]?.text ?? configuration["name"]?.text ?? folder.lastPathComponent
        try emit(
            sink, source: source, name: name, configuration: configuration, curve: kept.map { points[$0] }, targetLoss: targetLoss,
            convention: .unknown, provenance: Provenance(file: path, line: firstLine, importer: format), pointLines: kept.map { lines[$0] })
    }

    /// config.yaml (W&B's, with `value:` wrappers) or config.json beside the history; nested
    /// sections are flattened with dots, and known names go under canonical keys.
    static func loadConfiguration(folder: String) throws -> [String: ConfigValue] {
        for name in ["config.yaml", "config.yml", "config.json"] {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw IngestError(file: path, problem: "not UTF-8 text", expected: "a YAML or JSON config")
            }
            let loaded: Any?
            // ConfigTree's bounded parse: a file whose anchors expand past its bound is refused, not loaded.
            do { loaded = try ConfigurationFile.parse(text, origin: path).nativeObject } catch {
                throw IngestError(file: path, problem: "not valid YAML or JSON (\(error))", expected: "W&B's config.yaml or a JSON object")
            }
            guard let root = loaded as? [String: Any] else {
                throw IngestError(file: path, problem: "the top level is not a mapping", expected: "key: value pairs")
            }
            var configuration: [String: ConfigValue] = [:]
            func visit(_ value: Any, _ key: String) {
                if let wrapped = value as? [String: Any] {
                    if let inner = wrapped["value"], Set(wrapped.keys).isSubset(of: ["value", "desc"]) { visit(inner, key); return }
                    for (child, childValue) in wrapped { visit(childValue, key.isEmpty ? child : key + "." + child) }
                    return
                }
                guard !key.hasPrefix("_"), key != "wandb_version" else { return }
                let leaf = String(key.split(separator: ".").last ?? Substring(key))
                let canonical = ConfigKey.canonical(leaf)
                let stored = canonical != leaf || ConfigKey.positive.contains(canonical) ? canonical : key
                if value is [Any] { configuration[stored] = .text("\(value)"); return }
                configuration[stored] = Mapping.configValue(value)
            }
            visit(root, "")
            return configuration
        }
        return [:]
    }
}
