// `losscast rank`: candidate configurations (JSONL or a grid) sorted by predicted final loss.
// Candidates stream through in batches: memory holds one batch and the best K, whatever
// the count, up to `CandidateStream.maximumCount`.
import ArgumentParser
import Costs
import Foundation
import Plots
import Predictor
import Runs

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank candidate configurations by predicted final loss, with intervals and divergence risk.",
        discussion:
            "Candidates: a JSONL file (one configuration per line), or --base JSON with --grid FIELD=V1,V2,... (repeatable) for their product."
    )
    @Option(help: "A predictor checkpoint (default: Checkpoints/default.safetensors).") var checkpoint: String?
    @Option(help: "A JSONL file of configurations.") var candidates: String?
    @Option(help: "The configuration every grid point shares (JSON or a file).") var base: String?
    @Option(help: "FIELD=V1,V2,... (repeatable): the grid's axes.") var grid: [String] = []
    @Option(help: "Show the best K.") var top = 10
    @Flag(help: "Rank by the upper end of the 90% interval plus a penalty for divergence risk, not the mean.") var riskAdjusted = false
    @OptionGroup(title: "Cost (with --hardware and --chips: each candidate's training cost, 6 N D FLOP, beside its loss)")
    var hardwareOptions: HardwareOptions
    @Option(help: "How the cost is paid: on-demand, 1-year or 3-year cloud rental (the paper's default), or amortized.") var payment:
        PaymentChoice = .threeYear
    @Option(help: "Rank only the candidates whose training costs at most this many 2023 dollars (needs --hardware and --chips).")
    var maxCost: Double?
    @Option(help: "With --hardware: write an SVG of every candidate's predicted loss against its cost, with the frontier.") var frontier:
        String?
    @Flag(help: "Print JSON.") var json = false

    /// Candidates predicted at once.
    static let batchSize = 4_096

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top \(top): expected a positive number of candidates to show") }
        if let maxCost, !(maxCost.isFinite && maxCost > 0) {
            throw ValidationError("--max-cost \(maxCost): give a positive budget in dollars, e.g. 1e6")
        }
        if (maxCost != nil || frontier != nil) && !hardwareOptions.isGiven {
            throw ValidationError(
                "\(maxCost != nil ? "--max-cost" : "--frontier") needs the hardware to price runs on: --hardware NAME --chips N")
        }
        if hardwareOptions.hours != nil {
            throw ValidationError("--hours: candidates differ in FLOP, so give --mfu, not one wall-clock time")
        }
    }

    func run() throws {
        let predictor = try Predictor.load(path: try Paths.checkpoint(checkpoint))
        var stream = try CandidateStream(file: candidates, base: base, grid: grid, reads: predictor.encoder.statedKeys)
        let start = Date()
        let progress = ProgressBar(total: stream.count ?? 0, label: "ranking")
        var best: [(score: Double, index: Int, configuration: Configuration, prediction: Prediction, cost: CostEstimate?)] = []
        var seen = 0, overBudget = 0, cheapest = Double.infinity
        var keys = Set<String>()
        var frontierPoints: [(cost: Double, loss: Double)] = []
        func score(_ p: Prediction) -> Double { riskAdjusted ? p.riskAdjustedScore : p.loss }
        // One plan priced once: every candidate's cost scales with its FLOP.
        let pricing = hardwareOptions.isGiven ? try hardwareOptions.estimate(flop: 1e21) : nil
        if let pricing, pricing.dollars(payment.payment) == nil {
            throw ValidationError(
                "--payment \(payment.rawValue): no such price for \(pricing.chip) in Epoch's tables; try another --payment")
        }
        func cost(_ configuration: Configuration, index: Int) throws -> CostEstimate? {
            guard let pricing else { return nil }
            guard let parameters = configuration.parameters, parameters > 0, let tokens = configuration.tokens, tokens > 0 else {
                throw ValidationError("candidate \(index + 1): no params and tokens to price its training (6 N D) by")
            }
            return pricing.scaled(toFLOP: CostModel.trainingFLOP(parameters: parameters, tokens: tokens))
        }
        while true {
            let batch = try stream.next(Self.batchSize)
            if batch.isEmpty { break }
            let predictions = try InputErrors.asUsage("candidates: ") { try predictor.predict(batch).map(\.final) }
            for (offset, (configuration, prediction)) in zip(batch, predictions).enumerated() {
                let costed = try cost(configuration, index: seen + offset)
                if let dollars = costed?.dollars(payment.payment) {
                    cheapest = min(cheapest, dollars)
                    // Kept only for the plot: up to ten million candidates stream through.
                    if frontier != nil && prediction.divergenceProbability <= 0.5 { frontierPoints.append((dollars, prediction.loss)) }
                    if let maxCost, dollars > maxCost {
                        overBudget += 1
                        continue
                    }
                }
                best.append((score(prediction), seen + offset, configuration, prediction, costed))
                if grid.isEmpty { keys.formUnion(configuration.values.keys) }  // the columns a file's candidates show
            }
            best = Array(best.sorted { ($0.score, $0.index) < ($1.score, $1.index) }.prefix(top))
            seen += batch.count
            if stream.count != nil { progress.update(seen, detail: "\(seen) candidates") }
        }
        progress.finish()
        guard seen > 0 else { throw ValidationError("--candidates \(candidates ?? ""): no configurations") }
        if let maxCost {
            printNote(
                "\(overBudget) of \(seen) candidates cost more than $\(Cost.grouped(maxCost)) (\(payment.rawValue)) and are left out",
                json: json)
            guard !best.isEmpty else {
                throw ValidationError(
                    "--max-cost \(Cost.grouped(maxCost)): no candidate fits; the cheapest costs $\(Cost.grouped(cheapest))")
            }
        }
        if let frontier, let pricing {
            try Self.writeFrontier(frontierPoints, to: frontier, pricing: pricing, payment: payment)
            printNote("wrote \(frontier)", json: json)
        }
        let seconds = Date().timeIntervalSince(start)
        // What the checkpoint never saw among the shown candidates, said before the table.
        if let novelty = predictor.novelty(best.map(\.configuration.values)) {
            printNote(novelty, json: json)
        }
        if riskAdjusted, best.contains(where: { $0.prediction.levelDoubt != nil }) {
            printNote(
                "--risk-adjusted: the level doubt is the same for candidates of one source, so it orders none of them: "
                    + "each is ranked by its upper end without it, plus 1.645 times it (Prediction.riskAdjustedScore)", json: json)
        }
        if json {
            try printJSON(
                best.enumerated().map { position, entry in
                    RankedRow(
                        rank: position + 1, configuration: entry.configuration.values.mapValues(\.description),
                        loss: entry.prediction.loss, lower90: entry.prediction.lower, upper90: entry.prediction.upper,
                        divergenceProbability: entry.prediction.divergenceProbability,
                        costDollars: entry.cost.map { $0.dollars(payment.payment) ?? 0 }, chipHours: entry.cost?.chipHours,
                        hours: entry.cost.map { $0.seconds / 3600 }, flop: entry.cost?.flop)
                })
            return
        }
        let axes = grid.compactMap { $0.split(separator: "=").first.map { ConfigKey.canonical(String($0)) } }
        let shown = axes.isEmpty ? Array(keys.sorted().prefix(4)) : axes
        // Each column as wide as its name or its widest shown value, plus a space.
        let widths = shown.map { key in ([key.count] + best.map { ($0.configuration[key]?.description ?? "-").count }).max()! + 1 }
        print(
            "rank  " + zip(shown, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
                + "loss    90% interval      diverge"
                + (pricing == nil ? "" : "  cost (\(payment.rawValue))  time"))
        for (position, entry) in best.enumerated() {
            let fields = zip(shown, widths).map {
                (entry.configuration[$0]?.description ?? "-").padding(toLength: $1, withPad: " ", startingAt: 0)
            }.joined()
            let p = entry.prediction
            let costed =
                entry.cost.map { cost in
                    "  $" + Cost.grouped(cost.dollars(payment.payment) ?? 0).padding(toLength: 16, withPad: " ", startingAt: 0)
                        + Cost.duration(cost.seconds)
                } ?? ""
            print(
                String(
                    format: "%4d  %@%.4f  %.4f to %.4f  %5.1f%%", position + 1, fields, p.loss, p.lower, p.upper,
                    p.divergenceProbability * 100) + costed)
        }
        print(String(format: "%d candidates ranked in %.2f s", seen, seconds))
        if let pricing {
            print(
                String(
                    format: "cost: %d x %@ at %.1f%% MFU, prices of %@, in 2023 dollars", pricing.chips, pricing.chip,
                    pricing.utilization * 100,
                    (pricing.cloud[payment.rawValue]?.quote.date ?? pricing.amortized?.purchase.date)?.description ?? "-"))
            for note in pricing.assumed { print("assumed: " + note) }
        }
    }

    /// Predicted loss against cost for every candidate not likely to diverge (at most 2,000
    /// drawn, evenly), and the frontier: the lowest loss any candidate reaches at each cost.
    static func writeFrontier(_ points: [(cost: Double, loss: Double)], to path: String, pricing: CostEstimate, payment: PaymentChoice)
        throws
    {
        let sorted = points.sorted { ($0.cost, $0.loss) < ($1.cost, $1.loss) }
        var frontier: [(x: Double, y: Double)] = []
        for point in sorted where frontier.last.map({ point.loss < $0.y }) ?? true { frontier.append((point.cost, point.loss)) }
        let stride = max(1, sorted.count / 2_000)
        var plot = LinePlot(
            title: "Predicted final loss against training cost (\(pricing.chips) x \(pricing.chip))",
            xLabel: "cost, 2023 dollars (\(payment.rawValue))", yLabel: "predicted final loss")
        plot.logX = true
        plot.series.append(
            .init(
                name: "candidates", points: Swift.stride(from: 0, to: sorted.count, by: stride).map { (sorted[$0].cost, sorted[$0].loss) },
                style: .markers))
        plot.series.append(.init(name: "frontier: the best loss for the money", points: frontier))
        try plot.write(to: path)
    }
}

/// How the cost column and --max-cost count.
enum PaymentChoice: String, CaseIterable, ExpressibleByArgument {
    case onDemand = "on-demand", oneYear = "1-year", threeYear = "3-year", amortized

    var payment: Payment {
        switch self {
        case .onDemand: .cloud(.onDemand)
        case .oneYear: .cloud(.oneYear)
        case .threeYear: .cloud(.threeYear)
        case .amortized: .amortized
        }
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
    /// The fields the checkpoint reads beyond the known table (ConfigurationInput).
    private let reads: Set<String>

    init(file: String?, base: String?, grid: [String], reads: Set<String> = []) throws {
        self.file = file
        self.reads = reads
        if let file {
            guard base == nil, grid.isEmpty else { throw ValidationError("give --candidates FILE, or --base with --grid, not both") }
            lines = try InputErrors.asUsage("--candidates ") { try LineReader(path: file) }
            count = nil
            self.base = nil
            axes = []
            return
        }
        guard let base else { throw ValidationError("give --candidates FILE, or --base JSON with --grid FIELD=V1,V2,...") }
        lines = nil
        self.base = try ConfigurationInput.read(base, option: "--base", reads: reads)
        axes = try grid.map { try Self.axis($0, reads: reads) }
        var total = 1
        for (axis, values) in zip(grid, axes) {
            let (product, overflow) = total.multipliedReportingOverflow(by: values.count)
            guard !overflow, product <= Self.maximumCount else {
                throw ValidationError(
                    "--grid: more than \(Self.maximumCount) candidates (by \(axis.prefix(40))); narrow the grid or rank it in parts")
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
                let line = try InputErrors.asUsage("--candidates ") { try lines.nextLine() }
                guard let line else { break }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                guard produced + batch.count < Self.maximumCount else {
                    throw ValidationError("--candidates \(file!): more than \(Self.maximumCount) configurations; rank the file in parts")
                }
                batch.append(try ConfigurationInput.read(line, option: "--candidates \(file!):\(lines.lineNumber)", reads: reads))
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
    static func axis(_ text: String, reads: Set<String> = []) throws -> [[String: ConfigValue]] {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--grid \(text.prefix(80)): expected FIELD=V1,V2,...") }
        let texts = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !texts.isEmpty else { throw ValidationError("--grid \(text.prefix(80)): no values") }
        return try texts.map { try ConfigurationInput.field(parts[0], $0, option: "--grid", reads: reads) }
    }
}

/// One ranked candidate in `rank --json`; the cost fields are there when a cost was asked.
struct RankedRow: Encodable {
    var rank: Int
    var configuration: [String: String]
    var loss: Double
    var lower90: Double
    var upper90: Double
    var divergenceProbability: Double
    var costDollars: Double?
    var chipHours: Double?
    var hours: Double?
    var flop: Double?

    enum CodingKeys: String, CodingKey {
        case rank, configuration, loss, lower90, upper90, hours, flop
        case divergenceProbability = "divergence_probability"
        case costDollars = "cost_usd_2023"
        case chipHours = "chip_hours"
    }
}
