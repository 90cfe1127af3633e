// The sizes a source trained on, ln N (Run.modelSize) and ln D, from which the extrapolation
// distance of a run of that source is measured (FeatureEncoder.extrapolationDistance).
import Foundation
import Runs

public struct SizeRange: Codable, Sendable, Equatable {
    /// Lowest and highest ln N; nil when no run of the source states N.
    public var logParams: ClosedRange<Double>?
    /// Lowest and highest ln D; nil when no run of the source states D.
    public var logTokens: ClosedRange<Double>?

    public init(logParams: ClosedRange<Double>?, logTokens: ClosedRange<Double>?) {
        self.logParams = logParams
        self.logTokens = logTokens
    }

    /// The range of the runs' N and D.
    public init(runs: [Run]) {
        func range(_ values: [Double]) -> ClosedRange<Double>? {
            let logs = values.filter { $0 > 0 }.map { Foundation.log($0) }
            guard let low = logs.min(), let high = logs.max() else { return nil }
            return low...high
        }
        self.init(logParams: range(runs.compactMap(\.modelSize)), logTokens: range(runs.compactMap(\.tokens)))
    }

    /// Every source's range together; from the encoder's N and D features when there are no
    /// per-source ranges (a checkpoint from before them).
    init(union ranges: [SizeRange], encoder: FeatureEncoder) {
        func union(_ parts: [ClosedRange<Double>]) -> ClosedRange<Double>? {
            guard let low = parts.map(\.lowerBound).min(), let high = parts.map(\.upperBound).max() else { return nil }
            return low...high
        }
        func feature(_ key: String) -> ClosedRange<Double>? {
            encoder.numeric.first { $0.name == key && $0.logScale }.map { $0.minimum...$0.maximum }
        }
        if ranges.isEmpty {
            self.init(logParams: feature(ConfigKey.params), logTokens: feature(ConfigKey.tokens))
        } else {
            self.init(logParams: union(ranges.compactMap(\.logParams)), logTokens: union(ranges.compactMap(\.logTokens)))
        }
    }

    /// The span of ln N (or ln D) the runs cover, at least 1 (a factor e): the lever over which
    /// the source's law learned how loss falls with N (or D) (Calibration.levers). One size, or
    /// sizes closer than a factor e, count 1: a shorter span would make any distance beyond it huge.
    func lever(alongTokens: Bool) -> Double {
        (alongTokens ? logTokens : logParams).map { max($0.upperBound - $0.lowerBound, 1) } ?? 1
    }

    /// ln N and ln D beyond the range, summed; a size the run does not state, or the source
    /// never did, counts 0.
    func distance(logParams n: Double?, logTokens d: Double?) -> Double {
        func excess(_ value: Double?, _ range: ClosedRange<Double>?) -> Double {
            guard let value, let range else { return 0 }
            return max(0, value - range.upperBound, range.lowerBound - value)
        }
        return excess(n, logParams) + excess(d, logTokens)
    }
}
