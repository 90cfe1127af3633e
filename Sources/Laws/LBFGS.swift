// L-BFGS (Nocedal and Wright, Algorithm 7.4 and 7.5): limited-memory quasi-Newton
// minimisation of a smooth function of a few parameters, with a line search that
// backtracks to the Armijo condition and grows the step while the curvature condition
// fails. Stops when the gradient is small, when the relative decrease stalls (as scipy's
// ftol), or after `maximumIterations`.
import Foundation

public struct LBFGS {
    public var memory = 10
    public var maximumIterations = 500
    /// Stop when max |gradient| falls below this.
    public var gradientTolerance = 1e-10
    /// Stop when (f_old - f_new) / max(|f_old|, |f_new|, 1) falls below this (scipy's default ftol, factr 1e7).
    public var relativeTolerance = 2.2e-9

    public init() {}

    public struct Result {
        public var parameters: [Double]
        public var value: Double
        public var iterations: Int
        public var evaluations: Int
    }

    /// Minimises `function`, which returns the value and gradient at a point.
    public func minimize(_ function: ([Double]) -> (Double, [Double]), from start: [Double]) -> Result {
        var x = start
        var (f, g) = function(x)
        var evaluations = 1
        var pastSteps: [[Double]] = [], pastChanges: [[Double]] = [], pastRho: [Double] = []
        var iteration = 0
        guard f.isFinite else { return Result(parameters: x, value: f, iterations: 0, evaluations: 1) }
        while iteration < maximumIterations {
            iteration += 1
            if g.map(abs).max() ?? 0 < gradientTolerance { break }
            // Two-loop recursion: direction = -H g.
            var q = g
            var alphas = [Double](repeating: 0, count: pastSteps.count)
            for i in stride(from: pastSteps.count - 1, through: 0, by: -1) {
                alphas[i] = pastRho[i] * dot(pastSteps[i], q)
                q = add(q, pastChanges[i], scale: -alphas[i])
            }
            if let s = pastSteps.last, let y = pastChanges.last {
                q = q.map { $0 * dot(s, y) / dot(y, y) }
            }
            for i in 0..<pastSteps.count {
                let beta = pastRho[i] * dot(pastChanges[i], q)
                q = add(q, pastSteps[i], scale: alphas[i] - beta)
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if !(slope < 0) {  // not a descent direction: restart from steepest descent
                pastSteps.removeAll(); pastChanges.removeAll(); pastRho.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
            }
            // Line search: Armijo backtracking, growing while the curvature condition fails.
            var step = pastSteps.isEmpty ? min(1, 1 / max(sqrt(dot(g, g)), 1e-12)) : 1
            var accepted: ([Double], Double, [Double])? = nil
            for _ in 0..<60 {
                let candidate = add(x, direction, scale: step)
                let (value, gradient) = function(candidate)
                evaluations += 1
                if value.isFinite && value <= f + 1e-4 * step * slope {
                    accepted = (candidate, value, gradient)
                    if dot(gradient, direction) < 0.9 * slope && step < 1e6 && value < f {
                        step *= 2  // still steeply descending: try further
                        continue
                    }
                    break
                }
                if accepted != nil { break }
                step *= 0.5
            }
            guard let (newX, newF, newG) = accepted else { break }
            let s = zip(newX, x).map { $0 - $1 }, y = zip(newG, g).map { $0 - $1 }
            let curvature = dot(s, y)
            if curvature > 1e-16 {
                pastSteps.append(s); pastChanges.append(y); pastRho.append(1 / curvature)
                if pastSteps.count > memory { pastSteps.removeFirst(); pastChanges.removeFirst(); pastRho.removeFirst() }
            }
            let decrease = (f - newF) / max(abs(f), abs(newF), 1)
            x = newX
            f = newF
            g = newG
            if decrease < relativeTolerance { break }
        }
        return Result(parameters: x, value: f, iterations: iteration, evaluations: evaluations)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    private func add(_ a: [Double], _ b: [Double], scale: Double) -> [Double] { zip(a, b).map { $0 + scale * $1 } }
}
