// Epoch's replication of Hoffmann et al.'s Figure 4 (epoch-research/analyzing-chinchilla):
// 245 points of model size N, training FLOP C and loss; D = C / (6 N).
import Foundation
import Runs

public struct ChinchillaEpochImporter: Importer {
    public let format = "chinchilla-epoch"
    public let defaultSource = "chinchilla-epoch"
    public init() {}

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        try forEachRecord(path, required: ["Model Size", "Training FLOP", "loss"], progress: progress) { record, line in
            let params = try Validation.number(record["Model Size"], file: path, line: line, field: "Model Size")
            let compute = try Validation.number(record["Training FLOP"], file: path, line: line, field: "Training FLOP")
            guard params > 0 else {
                throw IngestError(
                    file: path, line: line, field: "Model Size", problem: "N is \(params)", expected: "a positive parameter count")
            }
            let loss = try Validation.loss(
                try Validation.number(record["loss"], file: path, line: line, field: "loss"),
                file: path, line: line, field: "loss")
            let configuration: [String: ConfigValue] = [
                ConfigKey.params: .number(params), ConfigKey.tokens: .number(compute / (6 * params)),
                "training_flop": .number(compute), "figure_x": .number(Double(record["x"] ?? "") ?? .nan),
                "figure_y": .number(Double(record["y"] ?? "") ?? .nan)
            ].filter { $0.value.number.map { !$0.isNaN } ?? true }
            try emit(
                sink, source: source, name: "point at line \(line)", configuration: configuration,
                curve: [CurvePoint(tokens: compute / (6 * params), losses: ["loss": loss])], targetLoss: "loss",
                convention: .total, provenance: Provenance(file: path, line: line, importer: format))
        }
    }
}
