// `losscast demo`, fourth part: data the checkpoint never saw. SLDBench's routed-MoE runs
// (another lab, another corpus, not among the default's training sources): the 300M runs
// asked zero-shot are marked new, their interval carrying the doubt about a new source's
// level; then the checkpoint learns the source from its five runs of 30M or fewer
// (`losscast adapt` does the same from the store) and predicts the 300M runs again.
import Foundation
import Importers
import Predictor
import Runs

enum NewSourceDemo {
    static let pilotLimit = 3e7, targetFloor = 3e8

    static func run(predictor: Predictor) throws {
        let folder = URL(fileURLWithPath: try Paths.epochData(nil)).deletingLastPathComponent().appendingPathComponent(
            "sldbench/moe_scaling_law"
        ).path
        let path = folder + "/data.csv"
        guard FileManager.default.fileExists(atPath: path) else {
            print("\n(no SLDBench MoE runs at \(path): the new-source demonstration is skipped)")
            return
        }
        let sink = CollectingSink()
        try SLDBenchImporter(task: .moeCurves).importFile(path, source: "sldbench-moe", into: sink, progress: nil)
        let runs = sink.runs.filter { $0.status != .diverged && $0.finalLoss != nil && $0.params != nil }
        let pilots = runs.filter { $0.params! <= pilotLimit }
        let targets = Array(runs.filter { $0.params! >= targetFloor }.sorted { ($0.params!, $0.name) < ($1.params!, $1.name) }.prefix(4))
        guard !targets.isEmpty else { return }
        let zeroShot = predictor.predictFinal(targets)
        print("\nData it never saw: SLDBench's routed-MoE runs (\(runs.count) runs; not among the checkpoint's sources)")
        if let note = predictor.novelty([["source": .text("sldbench-moe")]]) { print("note: " + note) }
        let adapted = try predictor.adapted(to: "sldbench-moe", runs: pilots)
        let adaptation = adapted.adaptations["sldbench-moe"]!
        print(
            String(
                format: "adapted from its %d runs of %.0fM parameters or fewer: offset %+.3f, slope %+.3f, doubt left %.3f",
                adaptation.runs, pilotLimit / 1e6, adaptation.offset, adaptation.slope, adaptation.deviation))
        print("run                      N        actual   zero-shot (new source)     adapted from the small runs")
        for (run, (before, after)) in zip(targets, zip(zeroShot, adapted.predictFinal(targets))) {
            print(
                String(
                    format: "%@ %6.0fM   %.4f   %.4f (%.2f to %.2f)   %.4f (%.3f to %.3f)",
                    run.name.padding(toLength: 22, withPad: " ", startingAt: 0),
                    run.params! / 1e6, run.finalLoss!, before.loss, before.lower, before.upper, after.loss, after.lower, after.upper))
        }
    }
}
