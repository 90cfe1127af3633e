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
        var configuration = try WandbImporter.loadConfiguration(folder: folder.path)
        let reader = try LineReader(path: path)
        var points: [CurvePoint] = []
        var lines: [Int] = []   // the line each point was read from
        var chosenTarget = target
        while let line = try reader.nextLine() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(line.utf8)) } catch {
                for token in ["NaN", "Infinity"] where line.contains(token) {
                    throw IngestError(file: path, line: reader.lineNumber, problem: "a logged value is \(token)",
                                      expected: "finite numbers (the run may have diverged: its log must end before the \(token))")
                }
                throw IngestError(file: path, line: reader.lineNumber, problem: "not valid JSON", expected: "one JSON object per line")
            }
            guard let record = object as? [String: Any] else {
                throw IngestError(file: path, line: reader.lineNumber, problem: "not a JSON object", expected: "one JSON object per line")
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
            if let last = points.last, last.step != nil, last.step == step {
                points[points.count - 1].losses.merge(losses) { $1 }
                if points[points.count - 1].learningRate == nil { points[points.count - 1].learningRate = rate }
                if points[points.count - 1].tokens == nil { points[points.count - 1].tokens = tokens }
            } else if !losses.isEmpty {
                points.append(CurvePoint(step: step, tokens: tokens, learningRate: rate, losses: losses))
                lines.append(reader.lineNumber)
            }
            if reader.lineNumber % 8192 == 0 { progress?(reader.bytesRead) }
        }
        progress?(reader.bytesRead)
        guard let targetLoss = chosenTarget else {
            throw IngestError(file: path, field: "loss", problem: "no logged key is a loss this importer knows",
                              expected: "one of \(WandbImporter.targetCandidates.joined(separator: ", ")), or --target")
        }
        let kept = points.indices.filter { points[$0].losses[targetLoss] != nil }
        points = kept.map { points[$0] }
        lines = kept.map { lines[$0] }
        if configuration[ConfigKey.totalSteps] == nil, let steps = configuration["max_steps"]?.number {
            configuration[ConfigKey.totalSteps] = .number(steps)
        }
        let name = configuration["run_name"]?.text ?? configuration["name"]?.text ?? folder.lastPathComponent
        try emit(sink, source: source, name: name, configuration: configuration, curve: points, targetLoss: targetLoss,
                 convention: .unknown, provenance: Provenance(file: path, line: 1, importer: format), pointLines: lines)
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
