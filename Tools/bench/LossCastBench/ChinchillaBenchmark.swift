// `losscast-bench chinchilla DATA.csv`: the Chinchilla fit on Epoch's points (5 highest
// losses dropped) from Hoffmann's 5,400-start grid, then 1,000 bootstrap resamples, timed.
// Tools/bench/chinchilla.sh runs scipy on the same data, grid and Huber for the ratio.
import Foundation
import Importers
import Laws
import Runs

func runChinchillaBenchmark(path: String, resamples: Int) throws {
    let sink = CollectingSink()
    try ChinchillaEpochImporter().importFile(path, source: "chinchilla-epoch", into: sink, progress: nil)
    var runs = sink.runs.sorted { $0.finalLoss! < $1.finalLoss! }
    runs.removeLast(5)
    // Through the law's own AnyLaw entry point, which is specialised inside the Laws module
    // (calling the generic engine from here would run it unspecialised, ten times slower).
    let law: AnyLaw = ChinchillaLaw()
    var options = FitOptions()
    let fitStart = now()
    let fit = try law.fit(runs: runs, options: options, selection: "benchmark")
    let fitSeconds = now() - fitStart
    options.bootstrapResamples = resamples
    options.seed = 1
    let start = now()
    let boot = try law.fit(runs: runs, options: options, selection: "benchmark")
    let bootstrapSeconds = now() - start - fitSeconds  // the grid fit runs again inside
    let report: [String: Any] = [
        "implementation": "LossCast", "points": runs.count, "gridStarts": ChinchillaLaw().initialGrid.count,
        "parameters": fit.natural, "intervals": boot.intervals!,
        "gridFitSeconds": fitSeconds, "bootstrapSeconds": bootstrapSeconds, "resamples": resamples
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
}
