// `losscast eval`: backtest the laws and the predictor on runs from the store: fit or train
// each on the training side of a split, score all of them on the same test runs, print one
// table (and, with --report DIR, write a Markdown/HTML report with SVG figures).
// `--task ranking` scores hyperparameter choices within (N, D) groups instead.
import ArgumentParser
import Backtest
import Foundation
import Predictor
import RunStore
import Runs

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Backtest the scaling laws and the neural predictor on a split of the stored runs.",
        discussion: """
            Examples:
              losscast eval --source steplaw-dense --split by-size --models chinchilla,mlp
              losscast eval --source olmo-ladder --split by-compute --models chinchilla,mpl,mlp --report eval-olmo
              losscast eval --source steplaw-dense --split by-size --task ranking
            """)

    @OptionGroup var selection: TrainingSelection
    @Option(
        help:
            "random, by-size, by-compute, by-source or top:FIELD:K (test on the K largest levels of a field: top:flops:2, top:tokens:1, top:lr:1)."
    ) var split = "by-size"
    @OptionGroup var splitOptions: SplitOptions
    @Option(help: "Comma-separated: chinchilla, chinchilla-gamma, mpl, mlp, transformer.") var models = "chinchilla,mpl,mlp"
    @Option(help: "loss (regression metrics) or ranking (regret of the picked hyperparameters).") var task = EvalTask.loss
    @Flag(help: "Ranking: pick by the upper 90% bound and avoid likely divergence.") var riskAdjusted = false
    @OptionGroup var ensembleOptions: EnsembleOptions
    @Option(help: "Most scored points per test curve.") var maxPoints = 64
    @Option(help: "Write a Markdown and HTML report with SVG figures into this folder.") var report: String?
    @Option(help: "Write every model's final-point prediction of every test run to this CSV file.") var predictions: String?
    @Flag(help: "With --predictions: a row for every scored point of every test run, not only the final one.") var points = false
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard try splitOptions.split(split, seed: 0).kind != .none else {
            throw ValidationError("--split none: eval needs runs to test; expected random, by-size, by-compute, by-source or top:FIELD:K")
        }
        _ = try InputErrors.asUsage { try BacktestModelKind.parse(models) }
        guard maxPoints >= 1 else { throw ValidationError("--max-points \(maxPoints): expected at least 1") }
    }

    func run() throws {
        let runs = try selection.runs(storeOptions)
        let chosen = try InputErrors.asUsage { try BacktestModelKind.parse(models) }.map { kind in
            kind.make(options: ensembleOptions.applied(to: TrainingOptions(model: kind.network ?? .mlp)))
        }
        let splitSpec = try splitOptions.split(split, seed: ensembleOptions.seed)
        let result = try InputErrors.asUsage {
            try Backtester.run(runs: runs, split: splitSpec, models: chosen, maximumPoints: maxPoints) { message in
                FileHandle.standardError.write(Data(("eval: " + message + "\n").utf8))
            }
        }
        let ranking = Ranking.evaluate(result, riskAdjusted: riskAdjusted)
        let title = "LossCast backtest: \(selection.description), \(split)"
        if let report {
            let command = "losscast eval " + CommandLine.arguments.dropFirst(2).joined(separator: " ")
            let files = try BacktestReport.write(
                result, ranking: ranking.groups > 0 ? ranking : nil, title: title, command: command, to: report)
            FileHandle.standardError.write(Data("eval: wrote \(files.count) files into \(report) (open \(report)/index.html)\n".utf8))
        }
        if let predictions {
            try BacktestReport.predictionsCSV(result, everyPoint: points).write(toFile: predictions, atomically: true, encoding: .utf8)
            FileHandle.standardError.write(
                Data(
                    "eval: wrote \(result.test.count) test runs' \(points ? "scored points'" : "final-point") predictions into \(predictions)\n"
                        .utf8))
        }
        if json {
            try printJSON(EvalJSON(result: result, ranking: ranking.groups > 0 ? ranking : nil))
            return
        }
        print("\(result.split); \(result.trainRuns) training runs, \(result.test.count) test runs")
        if task == .ranking {
            guard ranking.groups > 0 else {
                throw ValidationError("no (N, D) group of the test runs holds a grid of learning rates or batch sizes")
            }
            print(
                "hyperparameter ranking over \(ranking.groups) (N, D) groups (\(ranking.runs) runs)\(riskAdjusted ? ", risk-adjusted" : ""):"
            )
            print(BacktestReport.text(BacktestReport.rankingTable(ranking)))
            return
        }
        print(BacktestReport.text(BacktestReport.modelTable(result)))
        print("")
        print(BacktestReport.text(BacktestReport.sizeTable(result)))
        if ranking.groups > 0 {
            print(
                "\nhyperparameter ranking over \(ranking.groups) (N, D) groups (\(ranking.runs) runs); `--task ranking` prints only this:")
            print(BacktestReport.text(BacktestReport.rankingTable(ranking)))
        }
        for model in result.models {
            if let failure = model.failure {
                print("note: \(model.name) not fitted: \(failure)")
            } else if let limitation = model.limitation {
                print("note: \(model.name): \(limitation)")
            }
        }
    }
}

/// The --json output: every model's scores overall, by size and by source, and the ranking.
struct EvalJSON: Encodable {
    struct Model: Encodable {
        var name: String
        var failure: String?
        var seconds: Double
        var final: Scores?
        var perPoint: Scores?
        var finalBySize: [String: Scores]
        var finalBySource: [String: Scores]
    }
    var split: String
    var trainRuns: Int
    var testRuns: Int
    var models: [Model]
    var ranking: RankingResult?

    init(result: BacktestResult, ranking: RankingResult?) {
        split = result.split
        trainRuns = result.trainRuns
        testRuns = result.test.count
        models = result.models.map { model in
            Model(
                name: model.name, failure: model.failure, seconds: model.seconds, final: model.finalScores, perPoint: model.pointScores,
                finalBySize: Dictionary(uniqueKeysWithValues: model.finalBySize.map { (String(format: "%.0f", $0.size), $0.scores) }),
                finalBySource: Dictionary(uniqueKeysWithValues: model.finalBySource.map { ($0.source, $0.scores) }))
        }
        self.ranking = ranking
    }
}
