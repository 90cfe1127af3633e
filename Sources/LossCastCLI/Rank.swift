// `losscast rank`: candidate configurations (JSONL or a grid) sorted by predicted final loss.
// Candidates stream through in batches: memory holds one batch and the best K, whatever
// the count, up to `CandidateStream.maximumCount`.
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

    /// Candidates predicted at once.
    static let batchSize = 4_096

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top \(top): expected a positive number of candidates to show") }
    }

    func run() throws {
        let predictor = try Predictor.load(path: try Paths.checkpoint(checkpoint))
        var stream = try CandidateStream(file: candidates, base: base, grid: grid)
        let start = Date()
        let progress = ProgressBar(total: stream.count ?? 0, label: "ranking")
        var best: [(score: Double, index: Int, configuration: Configuration, prediction: Prediction)] = []
        var seen = 0
        var keys = Set<String>()
        func score(_ p: Prediction) -> Double { riskAdjusted ? p.riskAdjustedScore : p.loss }
        while true {
            let batch = try stream.next(Self.batchSize)
            if batch.isEmpty { break }
            let predictions: [Prediction]
            do { predictions = try predictor.predict(batch).map(\.final) } catch let error as IngestError {
                throw ValidationError("candidates: " + error.description)
            }
            for (offset, (configuration, prediction)) in zip(batch, predictions).enumerated() {
                best.append((score(prediction), seen + offset, configuration, prediction))
                if grid.isEmpty { keys.formUnion(configuration.values.keys) }   // the columns a file's candidates show
            }
            best = Array(best.sorted { ($0.score, $0.index) < ($1.score, $1.index) }.prefix(top))
            seen += batch.count
            if stream.count != nil { progress.update(seen, detail: "\(seen) candidates") }
        }
        progress.finish()
        guard seen > 0 else { throw ValidationError("--candidates \(candidates ?? ""): no configurations") }
        let seconds = Date().timeIntervalSince(start)
        // What the checkpoint never saw among the shown candidates, said before the table.
        var unseen: [InputReport.Unseen] = []
        for entry in best { unseen += predictor.encoder.unseen(entry.configuration.values).filter { !unseen.contains($0) } }
        if let novelty = InputReport.novelty(unseen) {
            printNote(novelty, json: json)
        }
        if json {
            let rows: [[String: Any]] = best.enumerated().map { position, entry in
                ["rank": position + 1, "configuration": entry.configuration.values.mapValues { $0.description },
                 "loss": entry.prediction.loss, "lower90": entry.prediction.lower, "upper90": entry.prediction.upper,
                 "divergence_probability": entry.prediction.divergenceProbability]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        let axes = grid.compactMap { $0.split(separator: "=").first.map { ConfigKey.canonical(String($0)) } }
        let shown = axes.isEmpty ? Array(keys.sorted().prefix(4)) : axes
        // Each column as wide as its name or its widest shown value, plus a space.
        let widths = shown.map { key in ([key.count] + best.map { ($0.configuration[key]?.description ?? "-").count }).max()! + 1 }
        print("rank  " + zip(shown, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined() + "loss    90% interval      diverge")
        for (position, entry) in best.enumerated() {
            let fields = zip(shown, widths).map { (entry.configuration[$0]?.description ?? "-").padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
            let p = entry.prediction
            print(String(format: "%4d  %@%.4f  %.4f to %.4f  %5.1f%%", position + 1, fields, p.loss, p.lower, p.upper, p.divergenceProbability * 100))
        }
        print(String(format: "%d candidates ranked in %.2f s", seen, seconds))
    }
}

/// The candidates, a batch at a time: the lines of a JSONL file, or the product of a grid's
/// axes over a base configuration, decoded from each point's index.
struct CandidateStream {
    /// More candidates than this are refused: at the measured rate (README, `Tools/bench/rank.sh`)
    /// they would take hours; narrow the grid or rank it in parts.
    static let maximumCount = 10_000_000

    /// Known in advance for a grid; nil for a file.
    let count: Int?
    private var produced = 0
    private let lines: LineReader?
    private let file: String?
    private let base: Configuration?
    private let axes: [[[String: ConfigValue]]]

    init(file: String?, base: String?, grid: [String]) throws {
        self.file = file
        if let file {
            guard base == nil, grid.isEmpty else { throw ValidationError("give --candidates FILE, or --base with --grid, not both") }
            do { lines = try LineReader(path: file) } catch let error as IngestError { throw ValidationError("--candidates " + error.description) }
            count = nil
            self.base = nil
            axes = []
            return
        }
        guard let base else { throw ValidationError("give --candidates FILE, or --base JSON with --grid FIELD=V1,V2,...") }
        lines = nil
        self.base = try ConfigurationInput.read(base, option: "--base")
        axes = try grid.map(Self.axis)
        var total = 1
        for (axis, values) in zip(grid, axes) {
            let (product, overflow) = total.multipliedReportingOverflow(by: values.count)
            guard !overflow, product <= Self.maximumCount else {
                throw ValidationError("--grid: more than \(Self.maximumCount) candidates (by \(axis.prefix(40))); narrow the grid or rank it in parts")
            }
            total = product
        }
        count = total
    }

    /// Up to `size` more candidates; empty at the end.
    mutating func next(_ size: Int) throws -> [Configuration] {
        var batch: [Configuration] = []
        if let lines {
            while batch.count < size {
                let line: String?
                do { line = try lines.nextLine() } catch let error as IngestError { throw ValidationError("--candidates " + error.description) }
                guard let line else { break }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                guard produced + batch.count < Self.maximumCount else {
                    throw ValidationError("--candidates \(file!): more than \(Self.maximumCount) configurations; rank the file in parts")
                }
                batch.append(try ConfigurationInput.read(line, option: "--candidates \(file!):\(lines.lineNumber)"))
            }
        } else if let base, let count {
            for index in produced..<min(count, produced + size) {
                var configuration = base
                var rest = index
                for values in axes.reversed() {
                    for (key, item) in values[rest % values.count] { configuration[key] = item }
                    rest /= values.count
                }
                batch.append(configuration)
            }
        }
        produced += batch.count
        return batch
    }

    /// One axis, FIELD=V1,V2,...: each value read as a one-field configuration, so a grid is
    /// checked like --base.
    static func axis(_ text: String) throws -> [[String: ConfigValue]] {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--grid \(text.prefix(80)): expected FIELD=V1,V2,...") }
        let texts = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !texts.isEmpty else { throw ValidationError("--grid \(text.prefix(80)): no values") }
        return try texts.map { value in
            // A number, a boolean or else a name, as one-field configuration (no JSON text is built).
            let node: ConfigNode = Double(value).map(ConfigNode.number) ?? (value == "true" || value == "false" ? .bool(value == "true") : .string(value))
            do { return try Configuration.read(.object([ConfigNode.Entry(parts[0], node)]), origin: "--grid \(parts[0])").values } catch let error as IngestError {
                throw ValidationError(error.description)
            }
        }
    }
}
