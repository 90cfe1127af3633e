// Runs written as run folders (the inverse of RunFolderImporter), so runs from any importer
// can be contributed to LossCast-Bench: `config.json` with the canonical keys placed in the
// recipe's sections under the benchmark's names (ffn_dim is model.d_ff, batch_size_tokens
// is data.batch_tokens, ...), every other field in the top-level `extra`, and
// `losses.json` with the target loss at each step. A point without a step gets one from
// tokens / batch tokens; a run where neither is known cannot be written and is named.
import Foundation
import Runs

public enum RunFolderWriter {
    /// Canonical key -> (section, the benchmark's name); nil section is the top level.
    static let placement: [String: (section: String?, name: String)] = [
        ConfigKey.nLayers: ("model", "n_layers"), ConfigKey.dModel: ("model", "d_model"), ConfigKey.nHeads: ("model", "n_heads"),
        ConfigKey.ffnDim: ("model", "d_ff"), ConfigKey.vocabSize: ("model", "vocab_size"), ConfigKey.activation: ("model", "activation"),
        ConfigKey.normType: ("model", "norm_type"), ConfigKey.keyValueHeads: ("model", "n_kv_heads"),
        ConfigKey.headDim: ("model", "head_dim"),
        ConfigKey.tiedEmbeddings: ("model", "tied_embeddings"), "rope": ("model", "rope"), "arch": ("model", "arch"),
        ConfigKey.numExperts: ("model", "n_experts"), ConfigKey.expertsPerToken: ("model", "experts_per_token"),
        ConfigKey.optimizer: ("optimizer", "name"), ConfigKey.lr: ("optimizer", "lr"), ConfigKey.weightDecay: ("optimizer", "weight_decay"),
        ConfigKey.beta1: ("optimizer", "beta1"), ConfigKey.beta2: ("optimizer", "beta2"), ConfigKey.eps: ("optimizer", "eps"),
        ConfigKey.gradClip: ("optimizer", "grad_clip"),
        ConfigKey.dataset: ("data", "dataset"), ConfigKey.tokenizer: ("data", "tokenizer"), ConfigKey.evalDataset: ("data", "eval_dataset"),
        ConfigKey.seqLen: ("data", "seq_len"), ConfigKey.batchSizeTokens: ("data", "batch_tokens"),
        ConfigKey.tokens: ("data", "tokens_total"),
        ConfigKey.lrSchedule: ("schedule", "lr_schedule"), ConfigKey.warmupSteps: ("schedule", "warmup_steps"),
        ConfigKey.totalSteps: ("schedule", "total_steps"), ConfigKey.cooldownSteps: ("schedule", "cooldown_steps"),
        ConfigKey.finalLRRatio: ("schedule", "final_lr_ratio"), ConfigKey.decayFraction: ("schedule", "warmdown_ratio"),
        ConfigKey.params: (nil, "n_params"), ConfigKey.evalInterval: (nil, "eval_interval")
    ]

    static func json(_ value: ConfigValue) -> Any {
        switch value {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? Int64(number) as Any : number
        case .text(let text): text
        case .flag(let flag): flag
        }
    }

    /// The recipe and the losses of one run, as JSON objects.
    public static func folder(for run: Run) throws -> (config: [String: Any], losses: [String: Double]) {
        var config: [String: Any] = ["run_id": run.name]
        var sections: [String: [String: Any]] = [:]
        var extra: [String: Any] = [:]
        for (key, value) in run.configuration {
            if let (section, name) = placement[key] {
                if let section { sections[section, default: [:]][name] = json(value) } else { config[name] = json(value) }
            } else {
                extra[key] = json(value)
            }
        }
        if run.configuration[ConfigKey.finalLRRatio] == nil, let minimum = run.number(ConfigKey.minLR), let peak = run.number(ConfigKey.lr),
            peak > 0
        {
            sections["schedule", default: [:]]["final_lr_ratio"] = minimum / peak
            extra[ConfigKey.minLR] = nil
        }
        for (name, section) in sections { config[name] = section }
        if !extra.isEmpty { config["extra"] = extra }
        let batch = run.number(ConfigKey.batchSizeTokens)
        var losses: [String: Double] = [:]
        for (index, point) in run.curve.enumerated() {
            guard let loss = point.losses[run.targetLoss] else { continue }
            let step =
                point.step ?? point.tokens.flatMap { tokens in batch.map { (tokens / $0).rounded() } }
                ?? (index == run.curve.count - 1 ? run.number(ConfigKey.totalSteps) : nil)
            guard let step else {
                throw IngestError(
                    file: run.provenance.file, field: "step",
                    problem: "point \(index) of run '\(run.name)' has no step, and no tokens and batch tokens to give one",
                    expected: "steps, or tokens seen with batch_size_tokens")
            }
            losses[String(Int64(step.rounded()))] = loss
        }
        return (config, losses)
    }

    /// Writes `directory/<name>/config.json` and `losses.json` for each run; names are made
    /// safe for a file system and kept distinct. Returns the folders written.
    public static func write(_ runs: [Run], to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var used: Set<String> = []
        var written: [String] = []
        for run in runs {
            let (config, losses) = try folder(for: run)
            var name = String(run.name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
            if name.isEmpty || used.contains(name) { name += "_" + String(run.id.prefix(8)) }
            used.insert(name)
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: path + "/" + RunFolderImporter.configName))
            try JSONSerialization.data(withJSONObject: losses, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: path + "/" + RunFolderImporter.lossesName))
            written.append(path)
        }
        return written
    }
}
