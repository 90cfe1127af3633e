// `losscast predict --run ID`: a stored run predicted from its own log by the neural
// predictor: its stored configuration as logged (nothing retyped, nothing defaulted) and its
// logged learning rates, at every logged point beside the loss it logged, or at `--steps`
// (the rates there read off the log between its points).
import ArgumentParser
import Foundation
import Laws
import Predictor
import RunStore
import Runs

enum PredictStoredRun {
    static func run(idOrName: String, steps: [Double]?, checkpoint: String, store: StoreOptions, json: Bool) throws {
        guard let stored = try store.openExisting().run(idOrName: idOrName) else {
            throw ValidationError("--run \(idOrName): no run has that id prefix or name; see `losscast runs list`")
        }
        let predictor = try Predictor.load(path: checkpoint)
        let (run, wanted) = try withSteps(stored, steps)
        let contexts = StepContext.contexts(for: run)
        let predictions = predictor.predict(wanted.map { (run, contexts[$0]) })
        let rows = zip(wanted, predictions).map { index, prediction in
            Row(
                step: run.curve[index].step, tokens: contexts[index].tokensSeen, loss: prediction.loss, lower90: prediction.lower,
                upper90: prediction.upper, divergenceProbability: prediction.divergenceProbability,
                actual: run.curve[index].losses[run.targetLoss])
        }
        if let note = predictor.novelty([run.configuration]) { printNote(note, json: json) }
        if json { try printJSON(rows); return }
        print("run \(stored.name) (\(stored.source), \(stored.id.prefix(12))): \(run.targetLoss)")
        print("      step        tokens     loss   90% interval        actual")
        for row in rows {
            let step = row.step.map { String(format: "%.0f", $0) } ?? "-", tokens = row.tokens.map { String(format: "%.4g", $0) } ?? "-"
            print(
                padded(step, 10) + "  " + padded(tokens, 12)
                    + String(format: "   %.4f   %.4f to %.4f   ", row.loss, row.lower90, row.upper90)
                    + (row.actual.map { String(format: "%.4f", $0) } ?? "-"))
        }
        let scored = rows.compactMap { row in row.actual.map { (row.loss - $0, $0 >= row.lower90 && $0 <= row.upper90) } }
        if !scored.isEmpty {
            print(
                String(
                    format: "%d logged point(s): MAE %.4f, %d inside the 90%% interval", scored.count,
                    scored.map { abs($0.0) }.reduce(0, +) / Double(scored.count), scored.filter(\.1).count))
        }
    }

    static func padded(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    struct Row: Encodable {
        var step: Double?
        var tokens: Double?
        var loss: Double
        var lower90: Double
        var upper90: Double
        var divergenceProbability: Double
        var actual: Double?
    }

    /// The run with points at the steps asked for added to its curve (learning rates read off
    /// the log as the schedule inputs read it, `Schedule(run:)`; tokens from the batch), and the indices to
    /// predict: the steps asked for, else every logged point. The logged points stay, so the
    /// schedule's areas come from the whole log.
    static func withSteps(_ stored: Run, _ steps: [Double]?) throws -> (Run, [Int]) {
        guard let steps else { return (stored, Array(stored.curve.indices)) }
        let logged = stored.curve.filter { $0.step != nil }
        guard !logged.isEmpty else {
            throw ValidationError(
                "--steps: run \(stored.name) logs no steps (its points are known by tokens only); leave out --steps to predict its logged points"
            )
        }
        let batch = stored.number(ConfigKey.batchSizeTokens)
        let schedule = Schedule(run: stored)
        var run = stored
        var byStep = Dictionary(logged.map { ($0.step!, $0) }, uniquingKeysWith: { first, _ in first })
        for step in steps where byStep[step] == nil {
            byStep[step] = CurvePoint(
                step: step, tokens: batch.map { step * $0 } ?? tokensSeen(at: step, logged),
                learningRate: schedule.flatMap { $0.rates.isEmpty ? nil : $0.rates[min(max(Int(step), 1), $0.count) - 1] },
                losses: [:])
        }
        run.curve = byStep.keys.sorted().map { byStep[$0]! }
        let wanted = Set(steps)
        return (run, run.curve.indices.filter { wanted.contains(run.curve[$0].step!) })
    }

    static func tokensSeen(at step: Double, _ logged: [CurvePoint]) -> Double? {
        interpolate(step, logged.compactMap { point in point.tokens.map { (point.step!, $0) } })
    }

    static func interpolate(_ x: Double, _ points: [(Double, Double)]) -> Double? {
        guard let first = points.first, let last = points.last else { return nil }
        if x <= first.0 { return first.1 }
        if x >= last.0 { return last.1 }
        let upper = points.firstIndex { $0.0 >= x }!
        let (a, b) = (points[upper - 1], points[upper])
        return a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0)
    }
}
