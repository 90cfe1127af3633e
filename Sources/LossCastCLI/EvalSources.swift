// `losscast eval-sources`: leave-one-source-out. How a predictor does on a source it never
// trained on (its interval carrying the level doubt calibrated on the other sources), and
// after learning that source from its k smallest runs, against Chinchilla fitted on the same
// k runs and a predictor trained from scratch on them (Backtest.NewSourceStudy).
import ArgumentParser
import Backtest
import Foundation
import Predictor

struct EvalSources: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-sources",
        abstract: "Leave each source out: zero-shot predictions of it with a new source's interval, and adapted from its k smallest runs.",
        discussion: """
            Trains one one-member predictor per source (on every other source), so it takes that many trainings.
            Example: losscast eval-sources --source steplaw-dense --source olmo-ladder --source gadre2024 --adapt 3,10
            """)
    @OptionGroup var selection: TrainingSelection
    @Option(help: "The k smallest runs (by 6ND) of the left-out source to adapt from, comma-separated (default 3,10).") var adapt = "3,10"
    @Option(help: "The fewest healthy runs a source needs to be left out (default 5).") var minimumRuns = 5
    @Option(help: "Maximum epochs of each training (default 60).") var epochs = 60
    @Option(help: "Samples per optimizer step (default 512).") var batchSize = 512
    @Option(help: "Points taken from each run's curve (default 8).") var pointsPerRun = 8
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print progress on standard error.") var verbose = false

    func ks() throws -> [Int] {
        let values = adapt.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= Predictor.minimumAdaptationRuns }) else {
            throw ValidationError(
                "--adapt \(adapt): expected run counts of \(Predictor.minimumAdaptationRuns) or more, comma-separated, e.g. 3,10")
        }
        return values.map { $0! }
    }

    func run() throws {
        let ks = try ks()
        guard epochs >= 1, batchSize >= 1, pointsPerRun >= 1, minimumRuns >= 2 else {
            throw ValidationError("--epochs, --batch-size and --points-per-run must be at least 1, --minimum-runs at least 2")
        }
        let runs = try selection.runs(storeOptions)
        var options = TrainingOptions(model: .mlp)
        options.epochs = epochs
        options.batchSize = batchSize
        options.maxPointsPerRun = pointsPerRun
        options.seed = seed
        let study = try InputErrors.asUsage {
            try NewSourceStudy.run(runs, options: options, ks: ks, minimumRuns: minimumRuns) { message in
                if verbose { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            }
        }
        if json { return try printJSON(study.sources) }
        print("leave-one-source-out over \(study.sources.count) sources (\(selection.description)); final losses; 90% intervals")
        print("source                      runs  zero-shot MAE  level doubt  coverage  width    Winkler  flagged new")
        for source in study.sources {
            print(
                String(
                    format: "%@ %5d  %13.4f  %11@  %7.1f%%  %7.4f  %7.4f  %10.0f%%",
                    source.source.padding(toLength: 26, withPad: " ", startingAt: 0),
                    source.runs, source.zeroShotMAE, source.levelDeviation.map { String(format: "%.4f", $0) } ?? "-",
                    source.coverage * 100, source.medianWidth, source.intervalScore, source.flaggedNew * 100))
        }
        for k in ks {
            print("\nadapted from the \(k) smallest runs, predicting the larger ones (final-loss MAE)")
            print("source                      tested  zero-shot  adapted  chinchilla(k)  scratch(k)  adapted coverage  width")
            for source in study.sources {
                guard let result = source.adaptations.first(where: { $0.given == k }) else { continue }
                func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
                print(
                    String(
                        format: "%@ %6d  %9.4f  %7.4f  %13@  %10@  %15.1f%%  %.4f",
                        source.source.padding(toLength: 26, withPad: " ", startingAt: 0),
                        result.tested, result.zeroShotMAE, result.adaptedMAE, number(result.chinchillaMAE), number(result.scratchMAE),
                        result.adaptedCoverage * 100, result.adaptedWidth))
            }
        }
    }
}
