// `losscast adapt`: a trained checkpoint taught a source it never saw (a new dataset, a new
// codebase) from a few of the user's own runs in the store: the source's loss offset and the
// doubt left about it, in a second, without retraining what the checkpoint knows about
// configurations. The adapted checkpoint predicts that source's configurations ("source":
// NAME) and stored runs with the offset, and no longer marks them new.
import ArgumentParser
import Foundation
import Laws
import Predictor
import Runs
import Scoring

struct Adapt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Teach a trained checkpoint a new source from a few of its runs in the store.",
        discussion: """
            Learns a line from the checkpoint's prediction to the source's loss (its level, and how much more or less its loss \
            moves), from each run's residual in the second half of its curve, and the doubt left, measured by forecasting each \
            larger run from the smaller ones; the source's intervals carry it, widening with the distance past the sizes given. \
            At least 3 runs that did not diverge.
            Example: losscast ingest my_runs/ && losscast adapt --from Checkpoints/default.safetensors --source mine --out mine.safetensors
            """)
    @Option(help: "The trained checkpoint to start from (default: the bundled one).") var from: String?
    @Option(help: "The source to learn, as the store names it (`losscast runs list` shows them).") var source: String
    @Option(
        name: .customLong("where"),
        help: "A condition on a configuration field choosing which of the source's runs to learn from (repeatable).")
    var conditions: [String] = []
    @Option(help: "The adapted checkpoint to write.") var out: String
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let checkpoint = try Paths.checkpoint(from)
        let predictor = try Predictor.load(path: checkpoint)
        let selection = try TrainingSelection.parse(["--source", source] + conditions.flatMap { ["--where", $0] })
        let runs: [Run]
        do { runs = try selection.runs(storeOptions) } catch let error as ValidationError {
            throw ValidationError("--source \(source): \(error.message)")
        }
        let adapted = try InputErrors.asUsage("--source \(source): ") { try predictor.adapted(to: source, runs: runs) }
        let adaptation = adapted.adaptations[source]!
        try adapted.save(path: out)
        // How the runs given are predicted before and after: in-sample, so no accuracy claim.
        let finals = runs.filter { $0.status != .diverged && ($0.finalLoss ?? 0) > 0 }
        let actual = finals.map { $0.finalLoss! }
        let before = Metrics.meanAbsoluteError(predictor.predictFinal(finals).map(\.loss), actual)
        let after = Metrics.meanAbsoluteError(adapted.predictFinal(finals).map(\.loss), actual)
        let wasNew = predictor.isNewSource(finals[0])
        if json {
            struct Summary: Encodable {
                var source: String, runs: Int, offset: Double, slope: Double, center: Double, ridge: Double, deviation: Double,
                    wasNew: Bool, finalMAEBefore: Double, finalMAEAfter: Double, out: String
            }
            try printJSON(
                Summary(
                    source: source, runs: adaptation.runs, offset: adaptation.offset, slope: adaptation.slope, center: adaptation.center,
                    ridge: adaptation.ridge, deviation: adaptation.deviation, wasNew: wasNew,
                    finalMAEBefore: before, finalMAEAfter: after, out: out))
            return
        }
        print(
            "adapted to '\(source)' from \(adaptation.runs) runs"
                + (wasNew ? " (a source the checkpoint never trained on)" : " (re-adapted: the checkpoint knew it)"))
        print(
            String(
                format:
                    "  loss = prediction %+.4f %+.4f x (prediction - %.4f)  (slope's ridge %g, chosen by forecasting each larger run from the smaller)",
                adaptation.offset, adaptation.slope, adaptation.center, adaptation.ridge))
        print(String(format: "  doubt left %.4f (those forecasts' error; added to the interval's deviation)", adaptation.deviation))
        print(String(format: "  final-loss MAE on these runs %.4f before, %.4f after (in-sample: the runs it learned from)", before, after))
        print("  wrote \(out); predict with --checkpoint \(out) and \"source\": \"\(source)\" in the configuration")
    }
}
