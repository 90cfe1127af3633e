// `losscast campaign`: the research-campaign simulator (Sources/Campaign), with and without
// automation, over many seeded simulations; optionally what a predictor's research taste is
// worth in years.
import ArgumentParser
import Backtest
import Campaign
import Foundation
import Predictor
import RunStore

struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Simulate research campaigns (the takeoff model): teams, taste and a pool of experiments.",
        discussion: """
            Runs each simulation twice on the same seed, without automation (every speedup 1, taste
            fixed) and with it, and summarises when algorithmic efficiency (AE) reaches 10 ... 1e12 and
            how fast it doubles each year, as medians with 10th-90th percentile bands.
              losscast campaign --sims 100 --seed 0 --out campaign/
              losscast campaign --print-config > campaign.yaml; losscast campaign --config campaign.yaml
              losscast campaign --taste-spearman 0.9          # what a predictor of that quality is worth
              losscast campaign --taste-from Checkpoints/default.safetensors --taste-source steplaw-dense --taste-min-params 5e8
            """)

    @Option(help: "A YAML or JSON file of parameters over the defaults (see --print-config).") var config: String?
    @Option(help: "Simulations of each run.") var sims = 20
    @Option(help: "Seed: simulation i uses a seed derived from it and i.") var seed: UInt64 = 0
    @Option(help: "Write a CSV per simulation, summary.json, summary.txt and SVG figures into this folder.") var out: String?
    @Flag(help: "The CSVs hold every event instead of the state every 0.05 year.") var events = false
    @Flag(help: "Print the summary as JSON (with --print-config: the configuration as JSON).") var json = false
    @Flag(help: "Print every parameter with its default (YAML) and exit.") var printConfig = false
    @Option(help: "Also run the taste study for a predictor with this within-group Spearman correlation (0 to 1].")
    var tasteSpearman: Double?
    @Option(help: "Also run the taste study, measuring the Spearman correlation of this checkpoint on the store's runs.")
    var tasteFrom: String?
    @Option(help: "With --taste-from: the source whose runs it ranks (repeatable; default steplaw-dense).") var tasteSource: [String] = []
    @Option(help: "With --taste-from: only runs with at least this many parameters (held out from the checkpoint's training).")
    var tasteMinParams: Double?
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard (1...100_000).contains(sims) else { throw ValidationError("--sims \(sims): expected 1 to 100,000") }
        if let tasteSpearman, !(tasteSpearman > 0 && tasteSpearman <= 1) {
            throw ValidationError("--taste-spearman \(tasteSpearman): expected a correlation in (0, 1]")
        }
        if tasteSpearman != nil && tasteFrom != nil { throw ValidationError("--taste-spearman and --taste-from: give one") }
    }

    func run() throws {
        let configuration: CampaignConfiguration
        do {
            configuration = try config.map(CampaignConfiguration.load(path:)) ?? CampaignConfiguration()
        } catch let error as CampaignConfigurationError {
            throw ValidationError(error.message)
        }
        if printConfig {
            print(json ? configuration.json() : configuration.yaml(), terminator: "")
            return
        }
        let start = Date()
        let progress = ProgressBar(total: 2 * sims, label: "campaign")
        let traces = CampaignRunner.run(
            [configuration.withoutAutomation, configuration], simulations: sims, seed: seed,
            recordEvents: events && out != nil
        ) { progress.update($0) }
        progress.finish()
        let runs = [("no_automation", traces[0]), ("automation", traces[1])]
        let summaries = runs.map { ($0.0, CampaignRunSummary($0.1)) }
        let seconds = Date().timeIntervalSince(start)

        var study: TasteStudy?
        if let spearman = try tasteSpearman ?? measuredSpearman() {
            let bar = ProgressBar(total: 3 * sims, label: "taste study")
            study = TasteStudy.run(configuration, spearman: spearman, simulations: sims, seed: seed) { bar.update($0) }
            bar.finish()
        }
        let output = CampaignOutput(
            seed: seed, simulations: sims, seconds: seconds, noAutomation: summaries[0].1,
            automation: summaries[1].1, taste: study)
        if let out { try write(output, runs: runs, to: out) }
        if json { try printJSON(output); return }
        print(String(format: "%d simulations of each run in %.1f s (seed %llu)", sims, seconds, seed))
        print(CampaignReport.text(summaries), terminator: "")
        if let study { print(Self.text(study), terminator: "") }
        if let out { print("wrote \(out)/summary.json, summary.txt, \(2 * sims) CSVs in \(out)/simulations and the figures") }
    }

    /// The checkpoint's mean within-group Spearman correlation on the store's runs.
    func measuredSpearman() throws -> Double? {
        guard let tasteFrom else { return nil }
        let predictor = try Predictor.load(path: tasteFrom)
        var query = RunQuery()
        query.sources = tasteSource.isEmpty ? ["steplaw-dense"] : tasteSource
        var runs = try storeOptions.openExisting().runs(query).filter { $0.finalLoss != nil }
        if let tasteMinParams { runs = runs.filter { ($0.params ?? 0) >= tasteMinParams } }
        guard !runs.isEmpty else {
            throw ValidationError(
                "--taste-from: no runs with a final loss in \(query.sources.joined(separator: ", ")) in the store; ingest them first")
        }
        let result = try Backtester.evaluate(runs: runs, models: [NeuralModel(trained: predictor)])
        let ranking = Ranking.evaluate(result)
        guard let spearman = ranking.rows.first?.meanSpearman, spearman > 0 else {
            throw ValidationError("--taste-from: no (N, D) group of those runs holds a grid of learning rates or batch sizes to rank")
        }
        FileHandle.standardError.write(
            Data(
                String(
                    format: "%@ ranks %d groups of %@ with mean Spearman %.3f\n", tasteFrom, ranking.groups,
                    query.sources.joined(separator: ", "), spearman
                ).utf8))
        return spearman
    }

    func write(_ output: CampaignOutput, runs: [(String, [CampaignTrace])], to folder: String) throws {
        let simulations = folder + "/simulations"
        try FileManager.default.createDirectory(atPath: simulations, withIntermediateDirectories: true)
        for (name, traces) in runs {
            for (index, trace) in traces.enumerated() {
                try CampaignReport.csv(trace).write(
                    toFile: String(format: "%@/%@-%04d.csv", simulations, name, index),
                    atomically: true, encoding: .utf8)
            }
        }
        try JSONOutput.write(output, to: folder + "/summary.json")
        var text = CampaignReport.text([("no_automation", output.noAutomation), ("automation", output.automation)])
        if let study = output.taste { text += Self.text(study) }
        try text.write(toFile: folder + "/summary.txt", atomically: true, encoding: .utf8)
        for (name, figure) in CampaignReport.figures(runs.map { (name: $0.0, traces: $0.1) }) {
            try figure.write(to: folder + "/" + name)
        }
    }

    static func text(_ study: TasteStudy) -> String {
        var lines = [String(format: "taste study (automation run): a predictor with within-group Spearman %.3f", study.predictorSpearman)]
        for variant in study.variants {
            let noise = variant.estimateNoise.map { String(format: "estimate noise %.3f", $0) } ?? "choosing at random"
            lines.append("  \(variant.name): \(noise), Spearman on the pool \(String(format: "%.3f", variant.spearman))")
        }
        lines.append("  years saved against uninformed teams / lost against an oracle (median [p10, p90]):")
        for saving in study.savings where [1, 3, 6, 9, 12].contains(Int(saving.milestone.dropFirst(2)) ?? 0) {
            func cell(_ band: Band) -> String {
                guard let median = band.median else { return "n/a" }
                return String(format: "%.2f [%.2f, %.2f] (%d)", median, band.p10 ?? .nan, band.p90 ?? .nan, band.count)
            }
            lines.append("    AE \(saving.milestone): saved \(cell(saving.savedAgainstUninformed)), lost \(cell(saving.lostAgainstOracle))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The `--json` output and summary.json.
struct CampaignOutput: Encodable {
    var seed: UInt64
    var simulations: Int
    var seconds: Double
    var noAutomation: CampaignRunSummary
    var automation: CampaignRunSummary
    var taste: TasteStudy?

    enum CodingKeys: String, CodingKey {
        case seed, simulations, seconds, noAutomation = "no_automation", automation, taste
    }
}
