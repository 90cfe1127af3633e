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
        let runs = try configurations.map { try ConfigurationRun.make(configuration: $0) }
        let predictions = predictor.predict(runs.map { ($0, StepContext.contexts(for: $0).last ?? StepContext()) })
        let seconds = Date().timeIntervalSince(start)
        func score(_ p: Prediction) -> Double { riskAdjusted ? p.upper + p.divergenceProbability * 10 : p.loss }
        let order = predictions.indices.sorted { (score(predictions[$0]), $0) < (score(predictions[$1]), $1) }.prefix(top)
        if json {
            let rows: [[String: Any]] = order.map { index in
                ["rank": (order.firstIndex(of: index) ?? 0) + 1, "configuration": configurations[index].mapValues { $0.description },
                 "loss": predictions[index].loss, "lower90": predictions[index].lower, "upper90": predictions[index].upper,
                 "divergence_probability": predictions[index].divergenceProbability]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        let axes = grid.compactMap { $0.split(separator: "=").first.map { ConfigKey.canonical(String($0)) } }
        let shown = axes.isEmpty ? Array(Set(configurations.flatMap(\.keys))).sorted().prefix(4).map { $0 } : axes
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
    static func configurations(file: String?, base: String?, grid: [String]) throws -> [[String: ConfigValue]] {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("--candidates \(file): cannot read the file") }
            var result: [[String: ConfigValue]] = []
            for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                do { result.append(try ConfigurationInput.run(from: String(line), loss: 1).configuration) } catch {
                    throw ValidationError("--candidates \(file):\(number + 1): \(error)")
                }
            }
            guard !result.isEmpty else { throw ValidationError("--candidates \(file): no configurations") }
            return result
        }
        guard let base else { throw ValidationError("give --candidates FILE, or --base JSON with --grid FIELD=V1,V2,...") }
        var product = [try ConfigurationInput.run(from: base, loss: 1).configuration]
        for axis in grid {
            let parts = axis.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--grid \(axis): expected FIELD=V1,V2,...") }
            let key = ConfigKey.canonical(parts[0])
            let values = parts[1].split(separator: ",").map { ConfigValue.parse(String($0)) }
            guard !values.isEmpty else { throw ValidationError("--grid \(axis): no values") }
            for value in values where ConfigKey.positive.contains(key) && !(value.number.map { $0 > 0 && $0.isFinite } ?? false) {
                throw ValidationError("--grid \(axis): \(key) must be a positive number, got \(value)")
            }
            product = product.flatMap { configuration in values.map { var next = configuration; next[key] = $0; return next } }
        }
        return product
    }
}
