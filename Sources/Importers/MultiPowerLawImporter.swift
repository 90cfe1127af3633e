// Multi-Power Law curves (thu-yao-01-luo/MultiPowerLaw): csv_SIZE/SCHEDULE.csv with
// step, lr, loss every 128 steps, for 25M, 100M and 400M models under nine schedules.
// Peak LR 3e-4 and 2,160 warmup steps in every run, as the paper states.
import Foundation
import Runs

public struct MultiPowerLawImporter: Importer {
    public let format = "multipowerlaw"
    public let defaultSource = "multipowerlaw"
    public init() {}

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        let url = URL(fileURLWithPath: path)
        let schedule = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent().lastPathComponent
        guard folder.hasPrefix("csv_"), let millions = Double(folder.dropFirst(4)) else {
            throw IngestError(
                file: path, problem: "the folder '\(folder)' does not name a model size", expected: "csv_25, csv_100 or csv_400")
        }
        var configuration: [String: ConfigValue] = [
            ConfigKey.params: .number(millions * 1e6),
            ConfigKey.lr: .number(3e-4),
            ConfigKey.warmupSteps: .number(2160),
            ConfigKey.lrSchedule: .text(String(schedule.split(separator: "_").first ?? "")),
            "schedule_name": .text(schedule)
        ]
        let numbers = schedule.split(separator: "_").compactMap { Double($0) }
        if let total = numbers.last, total >= 1000 { configuration[ConfigKey.totalSteps] = .number(total) }
        if numbers.count == 2 { configuration["decay_start_step"] = .number(numbers[0]) }
        var curve: [CurvePoint] = []
        try forEachRecord(path, required: ["step", "lr", "loss"], progress: progress) { record, line in
            let loss = try Validation.loss(
                try Validation.number(record["loss"], file: path, line: line, field: "loss"),
                file: path, line: line, field: "loss")
            curve.append(
                CurvePoint(
                    step: try Validation.number(record["step"], file: path, line: line, field: "step"),
                    learningRate: try Validation.number(record["lr"], file: path, line: line, field: "lr"),
                    losses: ["loss": loss]))
        }
        try emit(
            sink, source: source, name: "\(Int(millions))M-\(schedule)", configuration: configuration, curve: curve,
            targetLoss: "loss", convention: .unknown, provenance: Provenance(file: path, line: 2, importer: format))
    }
}
