// Gadre et al. 2024 (mlfoundations/scaling). models_flat.csv: one row per (run, validation
// set); rows of one run become one run with a loss per validation set, C4 validation the
// target. grid_flat.csv: a hyperparameter grid, one row per run with its final loss.
import Foundation
import Runs

public struct GadreModelsImporter: Importer {
    public let format = "gadre-models"
    public let defaultSource = "gadre2024"
    public static let target = "c4_val"
    public init() {}

    /// A short name for a validation set path ("training/eval_data/c4_val/shard-{...}.tar" -> "c4_val").
    static func lossName(_ path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        if parts.contains("c4_val") { return "c4_val" }
        if let index = parts.firstIndex(of: "val_tok_mult"), index + 1 < parts.count { return parts[index + 1] }
        return parts.dropLast().last ?? path
    }

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        var order: [String] = []
        var rows: [String: [([String: String], Int)]] = [:]
        try forEachRecord(path, required: ["name", "params", "tokens", "val_data", "loss"], progress: progress) { record, line in
            let name = record["name"]!
            if rows[name] == nil { order.append(name) }
            rows[name, default: []].append((record, line))
        }
        let used: Set<String> = [
            "name", "params", "params_no_embed", "tokens", "lr", "wd", "warmup_steps", "lr_cooldown_end",
            "global_bs_seqs", "seq_len", "beta2", "val_data", "loss", "eval_tokens", "dataset"
        ]
        for name in order {
            let group = rows[name]!
            let (first, line) = group[0]
            let number = { (field: String) in try Validation.optionalNumber(first[field], file: path, line: line, field: field) }
            var configuration = remainingFields(first, excluding: used)
            var note: String? = nil
            for (column, key) in [
                ("params", ConfigKey.params), ("params_no_embed", ConfigKey.paramsNonEmbedding),
                ("tokens", ConfigKey.tokens), ("lr", ConfigKey.lr), ("wd", ConfigKey.weightDecay),
                ("warmup_steps", ConfigKey.warmupSteps), ("lr_cooldown_end", ConfigKey.minLR),
                ("seq_len", ConfigKey.seqLen), ("beta2", ConfigKey.beta2)
            ] {
                if let value = try number(column) { configuration[key] = .number(value) }
            }
            if let dataset = first["dataset"] { configuration[ConfigKey.dataset] = .text(dataset) }
            if let batch = try number("global_bs_seqs") {
                if batch > 1 {
                    configuration[ConfigKey.batchSizeSeqs] = .number(batch)
                    if let sequence = configuration[ConfigKey.seqLen]?.number {
                        configuration[ConfigKey.batchSizeTokens] = .number(batch * sequence)
                    }
                } else {
                    note = "global_bs_seqs=\(Int(batch)) is a placeholder in the source; batch size left unset"
                }
            }
            configuration[ConfigKey.lrSchedule] = .text("cosine")
            var losses: [String: Double] = [:]
            for (record, rowLine) in group {
                let value = try Validation.number(record["loss"], file: path, line: rowLine, field: "loss")
                losses[GadreModelsImporter.lossName(record["val_data"]!)] = try Validation.loss(
                    value, file: path, line: rowLine, field: "loss")
            }
            try emit(
                sink, source: source, name: name, configuration: configuration,
                curve: [CurvePoint(tokens: configuration[ConfigKey.tokens]?.number, losses: losses)],
                targetLoss: GadreModelsImporter.target, convention: .total,
                provenance: Provenance(file: path, line: line, importer: format, note: note))
        }
    }
}

public struct GadreGridImporter: Importer {
    public let format = "gadre-grid"
    public let defaultSource = "gadre2024-grid"
    public init() {}

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        try forEachRecord(path, required: ["key", "model", "lr", "tokens", "loss"], progress: progress) { record, line in
            let number = { (field: String) in try Validation.optionalNumber(record[field], file: path, line: line, field: field) }
            var configuration = remainingFields(record, excluding: ["key", "lr", "wd", "tokens", "warmup_steps", "lr_cooldown_end", "loss"])
            for (column, key) in [
                ("lr", ConfigKey.lr), ("wd", ConfigKey.weightDecay), ("tokens", ConfigKey.tokens),
                ("warmup_steps", ConfigKey.warmupSteps), ("lr_cooldown_end", ConfigKey.minLR)
            ] {
                if let value = try number(column) { configuration[key] = .number(value) }
            }
            // "d=1024_l=12_h=16": width, depth and heads.
            for part in (record["model"] ?? "").split(separator: "_") {
                let pieces = part.split(separator: "=")
                guard pieces.count == 2, let value = Double(pieces[1]) else { continue }
                switch pieces[0] {
                case "d": configuration[ConfigKey.dModel] = .number(value)
                case "l": configuration[ConfigKey.nLayers] = .number(value)
                case "h": configuration[ConfigKey.nHeads] = .number(value)
                default: break
                }
            }
            let loss = try Validation.loss(
                try Validation.number(record["loss"], file: path, line: line, field: "loss"),
                file: path, line: line, field: "loss")
            try emit(
                sink, source: source, name: record["key"]!, configuration: configuration,
                curve: [CurvePoint(tokens: configuration[ConfigKey.tokens]?.number, losses: ["loss": loss])],
                targetLoss: "loss", convention: .unknown, provenance: Provenance(file: path, line: line, importer: format))
        }
    }
}
