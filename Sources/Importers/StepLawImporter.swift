// StepLaw (step-law/steplaw): one row per run with its final loss. Dense and MoE share the
// columns h (d_model), ffnh, numh, numl, lr, bs (sequences), ti (iterations), loss,
// smooth loss (the target NCPL used), exp_name, D, N (non-embedding); MoE adds its expert
// fields. Every run's minimum LR is in its name (mlr1.00e-05). The sequence length is
// D / (bs x ti).
import Foundation
import Runs

public struct StepLawImporter: Importer {
    public let format: String
    public let defaultSource: String
    let moe: Bool

    public init(moe: Bool) {
        self.moe = moe
        format = moe ? "steplaw-moe" : "steplaw"
        defaultSource = moe ? "steplaw-moe" : "steplaw-dense"
    }

    static let used: Set<String> = ["h", "ffnh", "numh", "numl", "lr", "bs", "ti", "loss", "smooth loss", "exp_name", "D", "N", "D/N"]

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        try forEachRecord(path, required: ["lr", "bs", "ti", "loss", "smooth loss", "D", "N"], progress: progress) { record, line in
            try importRecord(record, line: line, path: path, source: source, into: sink)
        }
    }

    /// One table row as one run.
    func importRecord(_ record: [String: String], line: Int, path: String, source: String, into sink: RunSink) throws {
        let number = { (field: String) in try Validation.number(record[field], file: path, line: line, field: field) }
        let optional = { (field: String) in try Validation.optionalNumber(record[field], file: path, line: line, field: field) }
        let tokens = try number("D"), batch = try number("bs"), iterations = try number("ti")
        var configuration = remainingFields(record, excluding: StepLawImporter.used)
        configuration[ConfigKey.params] = .number(try number("N"))
        configuration[ConfigKey.paramsNonEmbedding] = .number(try number("N"))
        configuration[ConfigKey.tokens] = .number(tokens)
        configuration[ConfigKey.lr] = .number(try number("lr"))
        configuration[ConfigKey.batchSizeSeqs] = .number(batch)
        configuration[ConfigKey.totalSteps] = .number(iterations)
        if batch > 0 && iterations > 0 {
            let sequence = (tokens / (batch * iterations)).rounded()
            configuration[ConfigKey.seqLen] = .number(sequence)
            configuration[ConfigKey.batchSizeTokens] = .number(batch * sequence)
        }
        for (column, key) in [("h", ConfigKey.dModel), ("ffnh", ConfigKey.ffnDim), ("numh", ConfigKey.nHeads), ("numl", ConfigKey.nLayers)]
        {
            if let value = try optional(column) { configuration[key] = .number(value) }
        }
        if moe {
            if let experts = try optional("nume") { configuration[ConfigKey.numExperts] = .number(experts) }
            if let topK = try optional("topk") { configuration[ConfigKey.expertsPerToken] = .number(topK) }
            if let active = try optional("Na") { configuration[ConfigKey.paramsActive] = .number(active) }
        }
        let name = record["exp_name"] ?? "line \(line)"
        if let minimum = StepLawImporter.minimumLearningRate(in: name) {
            configuration[ConfigKey.minLR] = .number(minimum)
        }
        let losses = [
            "loss": try Validation.loss(try number("loss"), file: path, line: line, field: "loss"),
            "smooth_loss": try Validation.loss(try number("smooth loss"), file: path, line: line, field: "smooth loss")
        ]
        try emit(
            sink, source: source, name: name, configuration: configuration,
            curve: [CurvePoint(step: iterations, tokens: tokens, losses: losses)], targetLoss: "smooth_loss",
            convention: .nonEmbedding, provenance: Provenance(file: path, line: line, importer: format))
    }

    /// The value after "mlr" in an experiment name ("..._mlr1.00e-05" -> 1e-5).
    static func minimumLearningRate(in name: String) -> Double? {
        guard let range = name.range(of: "mlr") else { return nil }
        let tail = name[range.upperBound...].prefix { "0123456789.e-+".contains($0) }
        return Double(tail)
    }
}
