// `losscast rank`: candidate configurations (JSONL or a grid) sorted by predicted final loss.
import ArgumentParser
import Foundation
import Predictor
import Runs

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank candidate configurations by predicted final loss, with intervals and divergence risk.",
        discussion: "Candidates: a JSONL file (one configuration per line), or --base JSON with --grid FIELD=V1,V2,... (repeatable) for their product.")
    @Option(help: "A predictor checkpoint (default: Checkpoints/default.safetensors).") var checkpoint: String?
    @Option(help: "A JSONL file of configurations.") var candidates: String?
    @Option(help: "The configuration every grid point shares (JSON or a file).") var base: String?
    @Option(help: "FIELD=V1,V2,... (repeatable): the grid's axes.") var grid: [String] = []
    @Option(help: "Show the best K.") var top = 10
    @Flag(help: "Rank by the upper end of the 90% interval plus a penalty for divergence risk, not the mean.") var riskAdjusted = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let predictor = try Predictor.load(path: checkpoint ?? Paths.defaultCheckpoint)
        let configurations = try CandidateInput.configurations(file: candidates, base: base, grid: grid)
        let start = Date()
        let predictions: [Prediction]
        do { predictions = try predictor.predict(configurations).map(\.final) } catch let error as IngestError {
            throw ValidationError("candidates: " + error.description)
        }
        let seconds = Date().timeIntervalSince(start)
        func score(_ p: Prediction) -> Double { riskAdjusted ? p.riskAdjustedScore : p.loss }
        let order = predictions.indices.sorted { (score(predictions[$0]), $0) < (score(predictions[$1]), $1) }.prefix(top)
        if json {
            let rows: [[String: Any]] = order.map { index in
                ["rank": (order.firstIndex(of: index) ?? 0) + 1, "configuration": configurations[index].values.mapValues { $0.description },
                 "loss": predictions[index].loss, "lower90": predictions[index].lower, "upper90": predictions[index].upper,
                 "divergence_probability": predictions[index].divergenceProbability]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        let axes = grid.compactMap { $0.split(separator: "=").first.map { ConfigKey.canonical(String($0)) } }
        let shown = axes.isEmpty ? Array(Set(configurations.flatMap(\.values.keys))).sorted().prefix(4).map { $0 } : axes
        // Each column as wide as its name or its widest shown value, plus a space.
        let widths = shown.map { key in ([key.count] + order.map { (configurations[$0][key]?.description ?? "-").count }).max()! + 1 }
        print("rank  " + zip(shown, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined() + "loss    90% interval      diverge")
        for (position, index) in order.enumerated() {
            let fields = zip(shown, widths).map { (configurations[index][$0]?.description ?? "-").padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
            print(String(format: "%4d  %@%.4f  %.4f to %.4f  %5.1f%%", position + 1, fields, predictions[index].loss, predictions[index].lower,
                         predictions[index].upper, predictions[index].divergenceProbability * 100))
        }
        print(String(format: "%d candidates ranked in %.2f s", configurations.count, seconds))
    }
}

enum CandidateInput {
    static func configurations(file: String?, base: String?, grid: [String]) throws -> [Configuration] {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("--candidates \(file): cannot read the file") }
            var result: [Configuration] = []
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                result.append(try ConfigurationInput.read(String(line), option: "--candidates \(file):\(number + 1)"))
            }
            guard !result.isEmpty else { throw ValidationError("--candidates \(file): no configurations") }
            return result
        }
        guard let base else { throw ValidationError("give --candidates FILE, or --base JSON with --grid FIELD=V1,V2,...") }
        var product = [try ConfigurationInput.read(base, option: "--base")]
        for axis in grid {
            let parts = axis.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--grid \(axis): expected FIELD=V1,V2,...") }
            let texts = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !texts.isEmpty else { throw ValidationError("--grid \(axis): no values") }
            // Each value read as a one-field configuration, so a grid is checked like --base.
            let values = try texts.map { text in
                try ConfigurationInput.read("{\"\(parts[0])\": \(Double(text) != nil || text == "true" || text == "false" ? text : "\"\(text)\"")}",
                                            option: "--grid \(parts[0])").values
            }
            product = product.flatMap { configuration in
                values.map { value in
                    var next = configuration
                    for (key, item) in value { next[key] = item }
                    return next
                }
            }
        }
        return product
    }
}
