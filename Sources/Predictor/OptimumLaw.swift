// Where the best learning rate (or batch size) lies for a model size and a token budget:
// ln x* = a + b ln N + c ln D, fitted by least squares on the training runs' (N, D) groups,
// x* being the value of the group's lowest-loss healthy run (StepLaw's law has this form:
// lr* = 1.79 N^-0.713 D^0.307). The encoder gives the network ln(x / x*), the distance from
// the optimum, which keeps its meaning at sizes the network never saw: the raw learning
// rate, clamped to the training range, cannot say that the optimum moves with N.
import Foundation
import Runs
import Scoring

public struct OptimumLaw: Codable, Sendable, Equatable {
    public var key: String
    /// a, b, c of ln x* = a + b ln N + c ln D.
    public var coefficients: [Double]
    /// (N, D) groups the law was fitted on.
    public var groups: Int

    public func optimum(params: Double, tokens: Double) -> Double {
        Foundation.exp(coefficients[0] + coefficients[1] * Foundation.log(params) + coefficients[2] * Foundation.log(tokens))
    }

    /// The law for `key` from the runs' (N, D) groups that tried at least four values of it
    /// and whose best value is not at the edge of what they tried (an edge only bounds the
    /// optimum). Needs four such groups; a term whose variable takes one value is left out.
    public static func fit(key: String, runs: [Run]) -> OptimumLaw? {
        var optima: [(logN: Double, logD: Double, logValue: Double)] = []
        for group in sizeGroups(runs) {
            let values = Set(group.compactMap { $0.number(key) }).sorted()
            guard values.count >= 4, let best = group.min(by: { $0.finalLoss! < $1.finalLoss! }),
                let value = best.number(key), value > values.first!, value < values.last!
            else { continue }
            optima.append((Foundation.log(best.params!), Foundation.log(best.tokens!), Foundation.log(value)))
        }
        guard optima.count >= 4 else { return nil }
        let varies = [true, Set(optima.map(\.logN)).count > 1, Set(optima.map(\.logD)).count > 1]
        let columns = varies.indices.filter { varies[$0] }
        let design = optima.map { point in columns.map { [1, point.logN, point.logD][$0] } }
        guard let solution = LeastSquares.solve(design, optima.map(\.logValue)) else { return nil }
        var coefficients = [0.0, 0, 0]
        for (position, column) in columns.enumerated() { coefficients[column] = solution[position] }
        return OptimumLaw(key: key, coefficients: coefficients, groups: optima.count)
    }

    /// Healthy runs with N, D and a final loss, grouped by (N, D).
    static func sizeGroups(_ runs: [Run]) -> [[Run]] {
        let healthy = runs.filter {
            $0.status != .diverged && ($0.params ?? 0) > 0 && ($0.tokens ?? 0) > 0 && ($0.finalLoss?.isFinite ?? false)
        }
        let grouped = Dictionary(grouping: healthy) { run in
            "\(String(format: "%.4g", run.params!))|\(String(format: "%.4g", run.tokens!))"
        }
        return grouped.keys.sorted().map { grouped[$0]! }
    }
}
