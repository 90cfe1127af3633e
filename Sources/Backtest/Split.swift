// Train/test splits, one definition used by `losscast train` and `losscast eval`:
// - random: a seeded 20% of runs held out;
// - by-size: train on the smaller models, test on the larger (N >= the threshold given, by
//   default the two largest sizes: for StepLaw dense that is NCPL's split, 537M and 1.07B);
// - by-compute: train on runs with C = 6ND <= C_max / 10, test on runs with at least 10x the
//   compute of every training run (NCPL's claim of generalising to 10x);
// - by-source: train on the other sources, test on the one named.
import Foundation
import Runs
import Randomness

public enum SplitKind: String, CaseIterable, Sendable {
    case none, random
    case bySize = "by-size"
    case byCompute = "by-compute"
    case bySource = "by-source"
}

public struct Split: Sendable {
    public var kind: SplitKind
    public var seed: UInt64 = 0
    /// by-size: the smallest N tested.
    public var threshold: Double?
    /// by-source: the source tested.
    public var testSource: String?

    public init(kind: SplitKind, seed: UInt64 = 0, threshold: Double? = nil, testSource: String? = nil) {
        self.kind = kind
        self.seed = seed
        self.threshold = threshold
        self.testSource = testSource
    }

    public struct Sides {
        public var train: [Run]
        public var test: [Run]
        /// What the split did, in words, for reports.
        public var description: String
    }

    /// The model size splits group by: N, else the non-embedding count, else 12 L d^2 from
    /// the shape (the non-embedding count of a standard transformer), for sources that log
    /// only some of these.
    public static func size(_ run: Run) -> Double? {
        if let params = run.params ?? run.number(ConfigKey.paramsNonEmbedding) { return params }
        guard let width = run.number(ConfigKey.dModel), let layers = run.number(ConfigKey.nLayers) else { return nil }
        return 12 * layers * width * width
    }

    /// C = 6 N D at the run's end, or the training FLOPs the run logs.
    public static func compute(_ run: Run) -> Double? {
        if let size = size(run), let tokens = run.tokens ?? run.curve.last?.tokens { return 6 * size * tokens }
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
            return Sides(train: runs.indices.filter { !test.contains($0) }.map { runs[$0] }, test: test.sorted().map { runs[$0] },
                         description: "random: a seeded 20% of runs (seed \(seed)) held out")
        case .bySize:
            let sizes = Set(runs.compactMap(Self.size)).sorted()
            guard sizes.count >= 2 else { throw SplitError("by-size needs runs of 2 or more sizes; found \(sizes.count)") }
            let cut = threshold ?? sizes[max(1, sizes.count - 2)]
            let train = runs.filter { (Self.size($0) ?? .infinity) < cut }, test = runs.filter { (Self.size($0) ?? 0) >= cut }
            guard !train.isEmpty, !test.isEmpty else { throw SplitError("by-size at N >= \(format(cut)) leaves an empty side (sizes: \(sizes.map(format).joined(separator: ", ")))") }
            return Sides(train: train, test: test, description: "by-size: train on N < \(format(cut)), test on N >= \(format(cut))")
        case .byCompute:
            let computes = runs.compactMap(Self.compute)
            guard let largest = computes.max() else { throw SplitError("by-compute needs runs with params and tokens") }
            let train = runs.filter { (Self.compute($0) ?? .infinity) <= largest / 10 }
            guard let trainMax = train.compactMap(Self.compute).max() else { throw SplitError("by-compute: no run has a tenth of the largest compute") }
            let test = runs.filter { (Self.compute($0) ?? 0) >= 10 * trainMax }
            guard !test.isEmpty else { throw SplitError("by-compute: no run has 10x the compute of the training runs") }
            return Sides(train: train, test: test,
                         description: String(format: "by-compute: train on C <= %.3g FLOPs (C_max/10), test on C >= %.3g (10x every training run)", trainMax, 10 * trainMax))
        case .bySource:
            let sources = Set(runs.map(\.source)).sorted()
            guard let testSource else { throw SplitError("by-source needs the source to test (--test-source); sources: \(sources.joined(separator: ", "))") }
            let test = runs.filter { $0.source == testSource }, train = runs.filter { $0.source != testSource }
            guard !test.isEmpty, !train.isEmpty else {
                throw SplitError("by-source with test source '\(testSource)' leaves an empty side; sources: \(sources.joined(separator: ", "))")
            }
            return Sides(train: train, test: test, description: "by-source: train on \(Set(train.map(\.source)).sorted().joined(separator: ", ")), test on \(testSource)")
        }
    }
}

public struct SplitError: Error, LocalizedError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
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
