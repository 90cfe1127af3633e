// SLDBench (linhaowei1/SLD) scaling-law-discovery tasks. Each task's file becomes runs:
// data-constrained (params, unique tokens, tokens, loss; the file swaps the two token
// columns); vocabulary (vocab size, embedding width, characters, non-vocabulary parameters,
// FLOPs, unigram-normalised loss Lossu);
// MoE curves (one run per configuration, loss every 10k steps); domain mixture (one run per
// size and mixture, a loss per domain); and the lr task, StepLaw's dense table plus 117
// rows with D = 1e13 and no iteration count, which are reported and not stored.
import Foundation
import Runs

public struct SLDBenchImporter: Importer {
    public enum Task: String, CaseIterable, Sendable {
        case dataConstrained = "data-constrained", vocabulary = "vocab", moeCurves = "moe", domainMixture = "domain-mixture",
            learningRate = "lr"
    }

    public let task: Task
    public var format: String { "sldbench-" + task.rawValue }
    public var defaultSource: String { "sldbench-" + task.rawValue }
    public init(task: Task) { self.task = task }

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        switch task {
        case .dataConstrained: try importDataConstrained(path, source, sink, progress)
        case .vocabulary: try importVocabulary(path, source, sink, progress)
        case .moeCurves: try importMoECurves(path, source, sink, progress)
        case .domainMixture: try importDomainMixture(path, source, sink)
        case .learningRate: try importLearningRate(path, source, sink, progress)
        }
    }

    private func importDataConstrained(_ path: String, _ source: String, _ sink: RunSink, _ progress: ((Int) -> Void)?) throws {
        try forEachRecord(path, required: ["params", "unique_tokens", "tokens", "loss"], progress: progress) { record, line in
            let number = { (field: String) in try Validation.number(record[field], file: path, line: line, field: field) }
            // The file's `unique_tokens` column holds the larger count on every row, and a run
            // cannot see more unique tokens than it trains on: its two token columns are
            // labelled the other way round. Muennighoff et al.'s run names agree (2b855b9b: 2.8B
            // parameters, 55B tokens, 9B of them unique), as does the loss, which falls as that
            // column grows at fixed unique data. So D is the larger count and U the smaller,
            // which also reads a corrected file right.
            let counts = [try number("tokens"), try number("unique_tokens")]
            let tokens = counts.max()!, unique = counts.min()!
            let configuration: [String: ConfigValue] = [
                ConfigKey.params: .number(try number("params")), ConfigKey.tokens: .number(tokens),
                ConfigKey.uniqueTokens: .number(unique), "epochs": .number(tokens / unique)
            ]
            try emit(
                sink, source: source, name: record["id"] ?? "line \(line)", configuration: configuration,
                curve: [
                    CurvePoint(
                        tokens: tokens, losses: ["loss": try Validation.loss(try number("loss"), file: path, line: line, field: "loss")])
                ],
                targetLoss: "loss", convention: .total, provenance: Provenance(file: path, line: line, importer: format))
        }
    }

    private func importVocabulary(_ path: String, _ source: String, _ sink: RunSink, _ progress: ((Int) -> Void)?) throws {
        try forEachRecord(
            path, required: ["vocab_size", "embed_dim", "num_characters", "Non_vocab_parameters", "FLOPs", "Lossu"],
            progress: progress
        ) { record, line in
            let number = { (field: String) in try Validation.number(record[field], file: path, line: line, field: field) }
            let configuration: [String: ConfigValue] = [
                ConfigKey.vocabSize: .number(try number("vocab_size")), ConfigKey.dModel: .number(try number("embed_dim")),
                ConfigKey.paramsNonEmbedding: .number(try number("Non_vocab_parameters")),
                "num_characters": .number(try number("num_characters")), "training_flop": .number(try number("FLOPs"))
            ]
            let loss = try Validation.loss(try number("Lossu"), file: path, line: line, field: "Lossu")
            try emit(
                sink, source: source, name: "line \(line)", configuration: configuration,
                curve: [CurvePoint(losses: ["lossu": loss])], targetLoss: "lossu", convention: .nonEmbedding,
                provenance: Provenance(file: path, line: line, importer: format))
        }
    }

    private func importMoECurves(_ path: String, _ source: String, _ sink: RunSink, _ progress: ((Int) -> Void)?) throws {
        var order: [String] = []
        var runs: [String: (configuration: [String: ConfigValue], curve: [CurvePoint], line: Int, skipped: [Int])] = [:]
        let lossColumns = ["loss_c4", "loss_curation_corpus", "loss_lambada", "loss_pile", "loss_validation", "loss_wikitext103"]
        try forEachRecord(
            path, required: ["hyper_id", "step", "loss_validation", "num_experts", "total_parameter_count"],
            progress: progress
        ) { record, line in
            let number = { (field: String) in try Validation.number(record[field], file: path, line: line, field: field) }
            let key = record["hyper_id"]! + "-seed" + (record["seed"] ?? "")
            if runs[key] == nil {
                var configuration = remainingFields(
                    record,
                    excluding: Set(
                        lossColumns + [
                            "step", "num_experts", "d_model", "num_blocks",
                            "num_heads", "k", "total_parameter_count"
                        ]))
                configuration[ConfigKey.params] = .number(try number("total_parameter_count"))
                configuration[ConfigKey.numExperts] = .number(try number("num_experts"))
                configuration[ConfigKey.dModel] = .number(try number("d_model"))
                configuration[ConfigKey.nLayers] = .number(try number("num_blocks"))
                configuration[ConfigKey.nHeads] = .number(try number("num_heads"))
                configuration[ConfigKey.expertsPerToken] = .number(try number("k"))
                runs[key] = (configuration, [], line, [])
                order.append(key)
            }
            if (record["loss_validation"] ?? "").isEmpty {
                runs[key]!.skipped.append(line)  // a step with other losses but not the target: not logged
                return
            }
            var losses: [String: Double] = [:]
            for column in lossColumns where !(record[column] ?? "").isEmpty {
                losses[column] = try Validation.loss(try number(column), file: path, line: line, field: column)
            }
            runs[key]!.curve.append(CurvePoint(step: try number("step"), losses: losses))
        }
        for key in order {
            let run = runs[key]!
            try emit(
                sink, source: source, name: "hyper \(key)", configuration: run.configuration, curve: run.curve,
                targetLoss: "loss_validation", convention: .total,
                provenance: Provenance(
                    file: path, line: run.line, importer: format,
                    note: run.skipped.isEmpty
                        ? nil : "skipped rows without loss_validation at lines \(run.skipped.map(String.init).joined(separator: ", "))"))
        }
    }

    private func importDomainMixture(_ path: String, _ source: String, _ sink: RunSink) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(file: path, problem: "cannot read the file", expected: "a JSON file")
        }
        guard let sizes = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw IngestError(file: path, problem: "not a JSON object", expected: "{size: {train: [...], eval: [...]}}")
        }
        for size in sizes.keys.sorted() {
            guard let splits = sizes[size] as? [String: Any] else {
                throw IngestError(file: path, field: size, problem: "not an object", expected: "{train: [...], eval: [...]}")
            }
            let params = SLDBenchImporter.parseSize(size)
            for split in ["train", "eval"] {
                for (index, item) in (splits[split] as? [[String: Any]] ?? []).enumerated() {
                    let field = "\(size).\(split)[\(index)]"
                    guard let proportions = item["proportions"] as? [Double], let losses = item["loss"] as? [Double],
                        proportions.count == losses.count, !losses.isEmpty
                    else {
                        throw IngestError(
                            file: path, field: field, problem: "proportions and loss are missing or differ in length",
                            expected: "equal-length lists of numbers")
                    }
                    var configuration: [String: ConfigValue] = ["mixture": .text(item["ratio"] as? String ?? ""), "split": .text(split)]
                    if let params { configuration[ConfigKey.params] = .number(params) }
                    var named: [String: Double] = [:]
                    for (domain, (share, loss)) in zip(proportions, losses).enumerated() {
                        configuration["mixture_\(domain)"] = .number(share)
                        named["domain_\(domain)"] = try Validation.loss(loss, file: path, line: nil, field: field)
                    }
                    named["mean"] = losses.reduce(0, +) / Double(losses.count)
                    try emit(
                        sink, source: source, name: "\(size) \(split) \(item["ratio"] as? String ?? String(index))",
                        configuration: configuration, curve: [CurvePoint(losses: named)], targetLoss: "mean",
                        convention: .unknown, provenance: Provenance(file: path, importer: format, note: field))
                }
            }
        }
    }

    /// "70M" -> 7e7, "1B" -> 1e9.
    static func parseSize(_ label: String) -> Double? {
        guard let unit = label.last, let value = Double(label.dropLast()) else { return nil }
        switch unit {
        case "K": return value * 1e3
        case "M": return value * 1e6
        case "B": return value * 1e9
        default: return nil
        }
    }

    private func importLearningRate(_ path: String, _ source: String, _ sink: RunSink, _ progress: ((Int) -> Void)?) throws {
        // The same columns as StepLaw dense; rows without an iteration count are the known-bad ones.
        let stepLaw = StepLawImporter(moe: false)
        try forEachRecord(path, required: ["lr", "bs", "ti", "smooth loss", "D", "N"], progress: progress) { record, line in
            if (record["ti"] ?? "").isEmpty || (record["loss"] ?? "").isEmpty {
                sink.reject(
                    IngestError(
                        file: path, line: line, field: "ti",
                        problem: "D = \(record["D"] ?? "?") with no iteration count or raw loss: a known bad row of this task",
                        expected: "ti and loss, as in StepLaw's own table"))
                return
            }
            try stepLaw.importRecord(record, line: line, path: path, source: source, into: sink)
        }
    }
}
