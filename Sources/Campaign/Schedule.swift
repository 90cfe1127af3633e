// A schedule: a quantity given at a few points of another (a speedup at levels of effective
// compute, physical compute at calendar years), read between and beyond them by straight
// lines in log or linear coordinates. Beyond either end the end segment's slope continues,
// as the reference model (takeoff modeling v2) does.
import Foundation

public struct Schedule: Sendable, Equatable {
    /// Which axes are logarithmic (base 10), key first.
    public enum Interpolation: String, Sendable, CaseIterable {
        /// log key, log value: a power law between points (the speedups).
        case logLog = "log-log"
        /// log key, linear value (monitoring efficiency, taste, experiments per team).
        case logLinear = "log-linear"
        /// linear key, log value: exponential growth between points (physical compute by year).
        case linearLog = "linear-log"

        var logKey: Bool { self != .linearLog }
        var logValue: Bool { self != .logLinear }
    }

    /// Strictly increasing.
    public private(set) var keys: [Double]
    public private(set) var values: [Double]
    public var interpolation: Interpolation

    /// Points in any order; `validate` says what is wrong with them.
    public init(_ points: [(Double, Double)], _ interpolation: Interpolation) {
        let sorted = points.sorted { $0.0 < $1.0 }
        keys = sorted.map(\.0)
        values = sorted.map(\.1)
        self.interpolation = interpolation
    }

    /// The value at `x`, interpolated or extrapolated along the end segments.
    public func value(at x: Double) -> Double {
        let key = { (k: Double) in interpolation.logKey ? log10(k) : k }
        let forward = { (v: Double) in interpolation.logValue ? log10(v) : v }
        let t = key(x)
        // The segment holding t, or the end segment on its side.
        var upper = 1
        while upper < keys.count - 1 && t > key(keys[upper]) { upper += 1 }
        let (k0, k1) = (key(keys[upper - 1]), key(keys[upper]))
        let (v0, v1) = (forward(values[upper - 1]), forward(values[upper]))
        let v = v0 + (v1 - v0) * (t - k0) / (k1 - k0)
        return interpolation.logValue ? pow(10, v) : v
    }

    /// Nil when the schedule can be read; otherwise what is wrong, for an error naming it.
    public func problem() -> String? {
        guard keys.count >= 2 else { return "needs at least two points, has \(keys.count)" }
        for (key, value) in zip(keys, values) {
            guard key.isFinite, value.isFinite else { return "point (\(key), \(value)) is not finite" }
            if interpolation.logKey && key <= 0 { return "key \(key) must be positive (read on a log axis)" }
            if interpolation.logValue && value <= 0 { return "value \(value) at \(key) must be positive (read on a log axis)" }
        }
        for (a, b) in zip(keys, keys.dropFirst()) where a == b { return "key \(a) is given twice" }
        return nil
    }
}
