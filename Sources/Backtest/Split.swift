// Train/test splits, one definition used by `losscast train` and `losscast eval`:
// - random: a seeded 20% of runs held out;
// - by-size: train on the smaller models, test on the larger (N >= the threshold given, by
//   default the two largest sizes: for StepLaw dense that is NCPL's split, 537M and 1.07B);
//   N is Run.modelSize (N, else the non-embedding count, else 12 L d^2), as the predictor's
//   calibration measures it;
// - by-compute: train on runs with C = 6ND <= C_max / 10, test on runs with at least 10x the
//   compute of every training run (NCPL's claim of generalising to 10x); both within 1%, as
//   a budget's runs differ by a batch of tokens (the OLMo ladder's 1xC and 10xC, D from its
//   log, are 9.994x apart);
// - by-source: train on the other sources, test on the one named;
// - top:FIELD:K: test on the runs at the K largest levels of any numeric field (`flops`,
//   `params`, `tokens` or a configuration field: `top:flops:2` holds out the two largest
//   FLOP budgets), train on the rest. Values within 1% of a level's smallest are one level
//   (a budget's runs differ by a batch of tokens); runs without the field are left out.
import Foundation
import Runs
import Randomness

public enum SplitKind: String, CaseIterable, Sendable {
    case none, random
    case bySize = "by-size"
    case byCompute = "by-compute"
    case bySource = "by-source"
    case top
}

public struct Split: Sendable {
    public var kind: SplitKind
    public var seed: UInt64 = 0
    /// by-size: the smallest N tested.
    public var threshold: Double?
    /// by-source: the source tested.
    public var testSource: String?
    /// top: the field whose largest levels are tested, and how many levels.
    public var field: String?
    public var levels = 1

    public init(
        kind: SplitKind, seed: UInt64 = 0, threshold: Double? = nil, testSource: String? = nil, field: String? = nil, levels: Int = 1
    ) {
        self.kind = kind
        self.seed = seed
        self.threshold = threshold
        self.testSource = testSource
        self.field = field
        self.levels = levels
    }

    /// The split `--split` names: none, random, by-size, by-compute, by-source or top:FIELD[:K].
    public static func parse(_ text: String, seed: UInt64 = 0, threshold: Double? = nil, testSource: String? = nil) throws -> Split {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 2 && parts[0] == SplitKind.top.rawValue {
            let levels = parts.count == 3 ? Int(parts[2]) : 1
            guard parts.count <= 3, !parts[1].isEmpty, let levels, levels >= 1 else {
                throw BacktestError("--split \(text): expected top:FIELD or top:FIELD:K with K at least 1, e.g. top:flops:2")
            }
            return Split(kind: .top, seed: seed, field: parts[1], levels: levels)
        }
        guard let kind = SplitKind(rawValue: text), kind != .top else {
            throw BacktestError(
                "--split \(text): expected \(SplitKind.allCases.filter { $0 != .top }.map(\.rawValue).joined(separator: ", ")) or top:FIELD:K (e.g. top:flops:2)"
            )
        }
        return Split(kind: kind, seed: seed, threshold: threshold, testSource: testSource)
    }

    /// A run's value of a field a `top` split ranks by: `flops` (or `compute`) is C = 6 N D,
    /// `params` (`n`) and `tokens` (`d`) are N and D, anything else a configuration number.
    public static func value(_ field: String, of run: Run) -> Double? {
        switch field.lowercased() {
        case "flops", "flop", "compute", "c": return compute(run)
        case "params", "n": return run.modelSize
        case "tokens", "d": return run.tokens ?? run.curve.last?.tokens
        default: return run.number(ConfigKey.canonical(field))
        }
    }

    public struct Sides {
        public var train: [Run]
        public var test: [Run]
        /// What the split did, in words, for reports.
        public var description: String
    }

    /// Values this close (relative) are one level of a budget: its runs differ by a batch.
    static let levelTolerance = 0.01

    /// C = 6 N D at the run's end, or the training FLOPs the run logs.
    public static func compute(_ run: Run) -> Double? {
        if let size = run.modelSize, let tokens = run.tokens ?? run.curve.last?.tokens { return 6 * size * tokens }
        return run.number("training_flop") ?? run.number("compute")
    }

    public func apply(_ runs: [Run]) throws -> Sides {
        switch kind {
        case .none:
            return Sides(train: runs, test: [], description: "no split: all \(runs.count) runs train")
        case .random:
            var generator = SeededGenerator(seed: seed ^ 0xA11)
            var order = Array(runs.indices)
            generator.shuffle(&order)
            let test = Set(order.prefix(runs.count / 5))
            return Sides(
                train: runs.indices.filter { !test.contains($0) }.map { runs[$0] }, test: test.sorted().map { runs[$0] },
                description: "random: a seeded 20% of runs (seed \(seed)) held out")
        case .bySize:
            let sizes = Set(runs.compactMap(\.modelSize)).sorted()
            guard sizes.count >= 2 else { throw BacktestError("by-size needs runs of 2 or more sizes; found \(sizes.count)") }
            let cut = threshold ?? sizes[max(1, sizes.count - 2)]
            let train = runs.filter { ($0.modelSize ?? .infinity) < cut }, test = runs.filter { ($0.modelSize ?? 0) >= cut }
            guard !train.isEmpty, !test.isEmpty else {
                throw BacktestError(
                    "by-size at N >= \(format(cut)) leaves an empty side (sizes: \(sizes.map(format).joined(separator: ", ")))")
            }
            return Sides(train: train, test: test, description: "by-size: train on N < \(format(cut)), test on N >= \(format(cut))")
        case .byCompute:
            let computes = runs.compactMap(Self.compute)
            guard let largest = computes.max() else { throw BacktestError("by-compute needs runs with params and tokens") }
            let train = runs.filter { (Self.compute($0) ?? .infinity) <= largest / 10 * (1 + Self.levelTolerance) }
            guard let trainMax = train.compactMap(Self.compute).max() else {
                throw BacktestError("by-compute: no run has a tenth of the largest compute")
            }
            let test = runs.filter { (Self.compute($0) ?? 0) >= 10 * trainMax / (1 + Self.levelTolerance) }
            guard !test.isEmpty else { throw BacktestError("by-compute: no run has 10x the compute of the training runs") }
            return Sides(
                train: train, test: test,
                description: String(
                    format: "by-compute: train on C <= %.3g FLOPs (C_max/10), test on C >= %.3g (10x every training run)", trainMax,
                    10 * trainMax))
        case .bySource:
            let sources = Set(runs.map(\.source)).sorted()
            guard let testSource else {
                throw BacktestError("by-source needs the source to test (--test-source); sources: \(sources.joined(separator: ", "))")
            }
            let test = runs.filter { $0.source == testSource }, train = runs.filter { $0.source != testSource }
            guard !test.isEmpty, !train.isEmpty else {
                throw BacktestError(
                    "by-source with test source '\(testSource)' leaves an empty side; sources: \(sources.joined(separator: ", "))")
            }
            return Sides(
                train: train, test: test,
                description: "by-source: train on \(Set(train.map(\.source)).sorted().joined(separator: ", ")), test on \(testSource)")
        case .top:
            let field = self.field ?? "flops"
            let values = runs.compactMap { Self.value(field, of: $0) }.sorted()
            // Levels bottom up: a value more than 1% above a level's first value starts the next.
            var starts: [Double] = []
            for value in values where starts.last.map({ value > $0 + abs($0) * Self.levelTolerance }) ?? true { starts.append(value) }
            guard starts.count > levels else {
                throw BacktestError(
                    "top:\(field):\(levels) needs more than \(levels) level(s) of '\(field)'; the runs have \(starts.count)"
                        + (starts.isEmpty ? " (no run has it: flops, params, tokens or a configuration field)" : ""))
            }
            let cut = starts[starts.count - levels]
            let train = runs.filter { Self.value(field, of: $0).map { $0 < cut } ?? false }
            let test = runs.filter { Self.value(field, of: $0).map { $0 >= cut } ?? false }
            let without = runs.count - train.count - test.count
            return Sides(
                train: train, test: test,
                description: String(
                    format: "top:%@:%d: test on the %d largest level(s) of %@ (>= %.4g), train on the %d below", field, levels, levels,
                    field, cut, starts.count - levels)
                    + (without > 0 ? "; \(without) run(s) without \(field) left out" : ""))
        }
    }
}

/// 1.07e9 -> "1.07B", 2.15e8 -> "215M".
public func format(_ count: Double) -> String {
    switch count {
    case 1e12...: String(format: "%.3gT", count / 1e12)
    case 1e9...: String(format: "%.3gB", count / 1e9)
    case 1e6...: String(format: "%.3gM", count / 1e6)
    case 1e3...: String(format: "%.3gK", count / 1e3)
    default: String(format: "%.3g", count)
    }
}
