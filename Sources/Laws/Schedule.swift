// A run's learning-rate schedule, step by step, rebuilt from the rates its log records,
// and the schedule-dependent quantities the curve laws read: the forward area
// S1(t) = sum of rates up to t, and the annealing area S2(t) with momentum lambda.
//
// Between two logged points the rate is interpolated linearly, except where a run holds a
// constant rate on both sides of a single change: that is a step (as in WSD-with-drops
// schedules) and is placed at the later logged step. Before the first logged point the
// rate ramps linearly from 0 to the peak over the warmup steps, then holds the peak.
import Foundation
import Runs

public struct Schedule {
    /// The rate at every step 1...T (index 0 is step 1).
    public let rates: [Double]
    /// rates' running sum: area[t - 1] = S1(t).
    public let area: [Double]

    public init(rates: [Double]) {
        self.rates = rates
        var total = 0.0
        area = rates.map {
            total += $0; return total
        }
    }

    /// From logged (step, rate) points, with the warmup ramp before them.
    public init(loggedSteps: [Double], loggedRates: [Double], warmupSteps: Int, peak: Double, lastStep: Int) {
        precondition(loggedSteps.count == loggedRates.count && !loggedSteps.isEmpty, "a schedule needs logged rates")
        var rates = [Double](repeating: 0, count: max(lastStep, 1))
        let first = Int(loggedSteps[0])
        for step in 1...rates.count {
            if step <= warmupSteps {
                rates[step - 1] = peak * Double(step) / Double(max(warmupSteps, 1))
            } else if step < first {
                rates[step - 1] = peak
            }
        }
        for i in 0..<loggedSteps.count {
            let start = Int(loggedSteps[i])
            let end = i + 1 < loggedSteps.count ? Int(loggedSteps[i + 1]) : rates.count + 1
            let flatBefore = i == 0 || loggedRates[i - 1] == loggedRates[i]
            let flatAfter = i + 2 >= loggedRates.count || loggedRates[i + 1] == loggedRates[i + 2]
            let isStep = i + 1 < loggedRates.count && flatBefore && flatAfter
            for step in max(start, 1)..<max(end, start + 1) where step <= rates.count {
                if i + 1 >= loggedSteps.count || isStep {
                    rates[step - 1] = loggedRates[i]
                } else {
                    let fraction = Double(step - start) / Double(end - start)
                    rates[step - 1] = loggedRates[i] + fraction * (loggedRates[i + 1] - loggedRates[i])
                }
            }
        }
        self.init(rates: rates)
    }

    /// The run's schedule, from the learning rates its curve logs; nil when it logs none.
    public init?(run: Run) {
        let logged = run.curve.filter { $0.step != nil && $0.learningRate != nil }
        guard let last = logged.last?.step, !logged.isEmpty else { return nil }
        let peak = run.number(ConfigKey.lr) ?? logged.map { $0.learningRate! }.max()!
        let warmup = Int(run.number(ConfigKey.warmupSteps) ?? 0)
        self.init(
            loggedSteps: logged.map { $0.step! }, loggedRates: logged.map { $0.learningRate! },
            warmupSteps: warmup, peak: peak, lastStep: Int(last))
    }

    public var count: Int { rates.count }

    /// S1(t): the sum of the rates of steps 1...t.
    public func forwardArea(at step: Int) -> Double { step <= 0 ? 0 : area[min(step, count) - 1] }

    /// S2(t) of Tissue et al.: sum over steps of m_i, m_i = lambda m_(i-1) + (rate_(i-1) - rate_i).
    public func annealingAreas(lambda: Double) -> [Double] {
        var momentum = 0.0, total = 0.0
        var result = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let previous = i == 0 ? rates[0] : rates[i - 1]
            momentum = lambda * momentum + (previous - rates[i])
            total += momentum
            result[i] = total
        }
        return result
    }
}
