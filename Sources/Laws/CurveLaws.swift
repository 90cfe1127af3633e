// Loss-curve laws over the learning-rate schedule. Both read, at each logged step t of a
// run, quantities computed once from the run's step-by-step schedule (Schedule.swift).
//
// Annealing law (Tissue et al. 2024): L(t) = L0 + A S1(t)^-alpha - C S2(t), S1 the forward
// area (sum of rates), S2 the annealing area with momentum lambda (0.999).
//
// Multi-Power Law (Luo et al. 2025): L(t) = L0 + A (S1(t) + S_W)^-alpha - LD(t),
//   LD(t) = B sum_k (eta_(k-1) - eta_k) G(eta_k^-gamma S_k(t)),  G(x) = 1 - (C x + 1)^-beta,
//   S_k(t) = sum of the rates from step k to t. Here S1 + S_W is the area from step 1,
// warmup included, and the sum over k also runs from step 1, warmup included, over blocks
// of `blockSize` steps (each block's total change at its middle rate and middle area):
// exact for constant stretches and steps, a midpoint rule within smooth changes. With the
// paper's published parameters this reproduces its reported held-out R^2 and MAE (LawsTests).
import Foundation
import Runs

public struct CurvePointFeatures: LawPoint, Sendable {
    public var loss: Double
    public var area: Double
    public var annealingArea: Double
    /// For the Multi-Power Law: (drop in rate, rate, area from the block to t) of each earlier block with a drop.
    public var drops: [(drop: Double, rate: Double, areaSince: Double)]
}

/// Which points of a curve the curve laws use: after warmup, with a positive loss.
func curveFeatures(_ run: Run, lambda: Double, blockSize: Int) -> [CurvePointFeatures] {
    guard let schedule = Schedule(run: run) else { return [] }
    let annealing = schedule.annealingAreas(lambda: lambda)
    let warmup = Int(run.number(ConfigKey.warmupSteps) ?? 0)
    // Blocks of the schedule from step 1: runs of consecutive steps whose rate changes, at most
    // `blockSize` long. The warmup's rises are negative drops: the paper's sum runs over every
    // step (k = 1 to t), and its code sums them too (they raise the loss by about B times the
    // peak, fading as the area since them grows). A lone drop (a step in the schedule) is a
    // block of one step, so its rate after the drop and its area are exact.
    func drop(_ step: Int) -> Double { (step >= 2 ? schedule.rates[step - 2] : schedule.rates[0]) - schedule.rates[step - 1] }
    var blocks: [(start: Int, end: Int, drop: Double, rate: Double)] = []
    var step = 1
    while step <= schedule.count {
        guard drop(step) != 0 else { step += 1; continue }
        var end = step
        while end < schedule.count && end - step + 1 < blockSize && drop(end + 1) != 0 { end += 1 }
        let total = (step >= 2 ? schedule.rates[step - 2] : schedule.rates[0]) - schedule.rates[end - 1]
        blocks.append((step, end, total, schedule.rates[(step + end) / 2 - 1]))
        step = end + 1
    }
    return run.curve.compactMap { point in
        guard let stepValue = point.step, let loss = point.losses[run.targetLoss], loss > 0 else { return nil }
        let step = Int(stepValue)
        guard step > warmup, step <= schedule.count else { return nil }
        let area = schedule.forwardArea(at: step)
        let drops = blocks.filter { $0.start <= step }.map { block -> (Double, Double, Double) in
            let middle = min((block.start + min(block.end, step)) / 2, step)
            let dropSoFar =
                block.end <= step
                ? block.drop
                : (block.start >= 2 ? schedule.rates[block.start - 2] : schedule.rates[0]) - schedule.rates[step - 1]
            return (dropSoFar, schedule.rates[middle - 1], area - schedule.forwardArea(at: middle - 1))
        }
        return CurvePointFeatures(loss: loss, area: area, annealingArea: annealing[step - 1], drops: drops)
    }
}

public struct AnnealingLaw: ScalingLaw {
    public var lambda = 0.999
    public init() {}
    public let name = "annealing"
    public let formula = "L(t) = L0 + A S1(t)^-alpha - C S2(t)"
    public let parameterNames = ["lnL0", "lnA", "lnAlpha", "lnC"]

    public var initialGrid: [[Double]] {
        cartesianGrid([[log(2), log(3)], [log(0.3), log(1), log(3)], [log(0.2), log(0.5)], [log(0.1), log(1), log(10), log(100)]])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: CurvePointFeatures) -> S {
        (p[0].exp() + p[1].exp() * S(point.area).power(-(p[2].exp())) - p[3].exp() * S(point.annealingArea)).log()
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        [("L0", exp(p[0])), ("A", exp(p[1])), ("alpha", exp(p[2])), ("C", exp(p[3]))]
    }

    public func points(from run: Run) -> [CurvePointFeatures] { curveFeatures(run, lambda: lambda, blockSize: 1 << 30) }
}

public struct MultiPowerLaw: ScalingLaw {
    public var blockSize = 128
    public init() {}
    public let name = "mpl"
    public let formula = "L(t) = L0 + A (S1 + S_W)^-alpha - B sum (eta_(k-1) - eta_k) (1 - (C eta_k^-gamma S_k(t) + 1)^-beta)"
    public let parameterNames = ["lnL0", "lnA", "lnAlpha", "lnB", "lnC", "lnBeta", "lnGamma"]

    public var initialGrid: [[Double]] {
        cartesianGrid([
            [log(2.5), log(3.2)], [log(0.5), log(2)], [log(0.4), log(0.7)], [log(100), log(1000)], [log(0.5), log(5)], [log(0.5)],
            [log(0.5)]
        ])
    }

    public func logPrediction<S: LawScalar>(_ p: [S], _ point: CurvePointFeatures) -> S {
        let (l0, a, alpha, b, c, beta, gamma) = (p[0].exp(), p[1].exp(), p[2].exp(), p[3].exp(), p[4].exp(), p[5].exp(), p[6].exp())
        var decrease = S(0)
        for drop in point.drops {
            let x = c * (-gamma * Foundation.log(drop.rate)).exp() * drop.areaSince
            decrease = decrease + drop.drop * (S(1) - (x + 1).power(-beta))
        }
        return (l0 + a * S(point.area).power(-alpha) - b * decrease).log()
    }

    public func natural(_ p: [Double]) -> [(name: String, value: Double)] {
        zip(["L0", "A", "alpha", "B", "C", "beta", "gamma"], p).map { ($0, exp($1)) }
    }

    public func points(from run: Run) -> [CurvePointFeatures] { curveFeatures(run, lambda: 0.999, blockSize: blockSize) }
}
