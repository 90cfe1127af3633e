// The OLMo "peteish" ladder (allenai/OLMo scripts/scaling/data): one CSV per run with
// whole eval-loss curves and the learning rate at each step. N comes from OLMo's own
// configs (configs/*.json, `n` of the group whose paths list the file), else from what the
// user states at ingest (`--set params=...`, for a file away from its configs); D is what
// the log says, the last `throughput/total_tokens`, else the Chinchilla multiple in the
// name (0.5xC ... 10xC) times 20 tokens per parameter.
import Foundation
import Runs

public struct OLMoLadderImporter: Importer {
    public let format = "olmo-ladder"
    public let defaultSource = "olmo-ladder"
    public static let target = "eval/c4_en-validation/CrossEntropyLoss"
    /// Fields stated at ingest: N for a file whose configs are not beside it.
    public var stated: [String: ConfigValue]
    public init(stated: [String: ConfigValue] = [:]) { self.stated = stated }

    /// The source for a file: runs/ -> olmo-ladder, decay/ -> olmo-ladder-decay, const/ -> olmo-ladder-const.
    public static func source(for path: String) -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent
        return folder == "runs" ? "olmo-ladder" : "olmo-ladder-\(folder)"
    }

    /// N for each file name, read from every config under configs/.
    static func parameterCounts(configsFolder: String) throws -> [String: Double] {
        var counts: [String: Double] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: configsFolder)) ?? []
        for file in files.sorted() where file.hasSuffix(".json") {
            let path = configsFolder + "/" + file
            guard let data = FileManager.default.contents(atPath: path),
                let groups = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                throw IngestError(file: path, problem: "not a JSON object of run groups", expected: "OLMo's config format")
            }
            for case let (_, group as [String: Any]) in groups {
                guard let n = group["n"] as? Double ?? (group["n"] as? Int).map(Double.init) else { continue }
                for case let listed as String in group["paths"] as? [String] ?? [] {
                    let name = URL(fileURLWithPath: listed).lastPathComponent
                    counts[name] = counts[name] ?? n
                    // The size label alone ("190M-"), for files no group lists (reruns, decay tails).
                    if let size = name.split(separator: "-").first { counts["size:" + size] = counts["size:" + size] ?? n }
                }
            }
        }
        return counts
    }

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent
        let configs = url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("configs").path
        let counts = try OLMoLadderImporter.parameterCounts(configsFolder: configs)
        let size = String(name.split(separator: "-").first ?? "")
        guard let params = counts[url.lastPathComponent] ?? counts["size:" + size] ?? stated[ConfigKey.params]?.number else {
            throw IngestError(
                file: path, field: "n", problem: "no OLMo config under \(configs) gives N for size \(size)",
                expected: "configs/*.json listing this run beside runs/, or N stated: losscast ingest FILE --set params=N")
        }
        guard let multiplierText = name.split(separator: "-").dropFirst().first.map({ $0.replacingOccurrences(of: "xC", with: "") }),
            let multiplier = Double(multiplierText)
        else {
            throw IngestError(file: path, problem: "the file name '\(name)' has no Chinchilla multiple", expected: "SIZE-MULTxC.csv")
        }
        var configuration: [String: ConfigValue] = [
            ConfigKey.params: .number(params),
            "chinchilla_multiplier": .number(multiplier),
            "size_label": .text(size),
            ConfigKey.dataset: .text("dolma (OLMo peteish)")
        ]
        if name.hasSuffix("rerun") { configuration["rerun"] = .flag(true) }
        var curve: [CurvePoint] = []
        var firstLine = 0
        try forEachRecord(path, required: ["_step", OLMoLadderImporter.target, "optim/learning_rate_group0"], progress: progress) {
            record, line in
            if firstLine == 0 { firstLine = line }
            let number = { (field: String) in try Validation.optionalNumber(record[field], file: path, line: line, field: field) }
            for (column, key) in [("learning_rate_peak", ConfigKey.lr), ("batch_size_in_tokens", ConfigKey.batchSizeTokens)] {
                if configuration[key] == nil, let value = try number(column) { configuration[key] = .number(value) }
            }
            var losses: [String: Double] = [:]
            for (column, raw) in record where column.hasPrefix("eval/") && !raw.isEmpty {
                let value = try Validation.number(raw, file: path, line: line, field: column)
                losses[column] = try Validation.loss(value, file: path, line: line, field: column)
            }
            curve.append(
                CurvePoint(
                    step: try number("_step"), tokens: try number("throughput/total_tokens"),
                    learningRate: try number("optim/learning_rate_group0"), losses: losses))
        }
        // What the log says, else what the name says.
        configuration[ConfigKey.tokens] = .number(curve.last?.tokens ?? (multiplier * 20 * params).rounded())
        try emit(
            sink, source: source, name: name, configuration: configuration, curve: curve,
            targetLoss: OLMoLadderImporter.target, convention: .total,
            provenance: Provenance(file: path, line: firstLine, importer: format))
    }
}
