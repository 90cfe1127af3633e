// The fitting engine: a Huber loss (delta 1e-3 by default) on log-loss residuals, summed
// over points (averaging shrinks the gradient and makes L-BFGS stop early), minimised by
// L-BFGS from every point of the law's grid, the best start kept; then, when asked, a
// bootstrap over runs (resampled with replacement, seeded per resample, spread over the
// cores) for percentile intervals.
import Foundation
import Scoring
import Runs
import Randomness

public struct FitOptions: Sendable {
    public var huberDelta = 1e-3
    public var bootstrapResamples = 0
    public var seed: UInt64 = 0
    /// Starts per bootstrap resample: the best full-data fit and the next best grid results.
    public var bootstrapStarts = 4
    public var maximumIterations = 1000
    /// L-BFGS's stop on relative decrease: scipy's default for the main fit. Bootstrap fits
    /// start at the optimum, where the summed Huber objective is small and scipy's rule
    /// (relative to max(|f|, 1)) would stop them after one step, so they use a tighter one.
    public var relativeTolerance = 2.2e-9
    public var bootstrapRelativeTolerance = 1e-15
    /// Called from the workers after each bootstrap resample (with the count done so far).
    public var bootstrapProgress: (@Sendable (Int) -> Void)?
    public init() {}
}

public struct FitResult<Law: ScalingLaw> {
    public let law: Law
    public let parameters: [Double]
    public let objective: Double
    /// 95% percentile intervals of each natural parameter, when bootstrapped.
    public let intervals: [(lower: Double, upper: Double)]?
    public let bootstrapNatural: [[Double]]
    public let pointCount: Int
    public let runCount: Int

    public var natural: [(name: String, value: Double)] { law.natural(parameters) }
    public func predict(_ point: Law.Point) -> Double { law.predict(parameters, point) }
}

public enum LawFitting {
    /// Huber on log residuals, summed, with its gradient by forward-mode differentiation:
    /// the law's prediction once per distinct input, each observed loss adding its term.
    static func objective<Law: ScalingLaw>(
        _ law: Law, _ points: GroupedPoints<Law.Point>, delta: Double,
        _ parameters: [Double]
    ) -> (Double, [Double]) {
        let count = parameters.count
        let duals = parameters.enumerated().map { Dual.variable($0.element, index: $0.offset) }
        var total = 0.0
        var gradient = SIMD8<Double>.zero
        for group in points.representatives.indices {
            let prediction = law.logPrediction(duals, points.representatives[group])
            var slope = 0.0
            for logLoss in points.logLosses[group] {
                let residual = prediction.value - logLoss
                guard residual.isFinite else { return (.infinity, [Double](repeating: 0, count: count)) }
                if abs(residual) <= delta {
                    total += 0.5 * residual * residual
                    slope += residual
                } else {
                    total += delta * (abs(residual) - 0.5 * delta)
                    slope += residual > 0 ? delta : -delta
                }
            }
            gradient += prediction.partials * slope
        }
        return (total, (0..<count).map { gradient[$0] })
    }

    static func objective<Law: ScalingLaw>(_ law: Law, _ points: [Law.Point], delta: Double, _ parameters: [Double]) -> (Double, [Double]) {
        objective(law, GroupedPoints(points), delta: delta, parameters)
    }

    static func minimize<Law: ScalingLaw>(
        _ law: Law, _ points: GroupedPoints<Law.Point>, options: FitOptions,
        from start: [Double]
    ) -> LBFGS.Result {
        var optimizer = LBFGS()
        optimizer.maximumIterations = options.maximumIterations
        optimizer.relativeTolerance = options.relativeTolerance
        return optimizer.minimize({ objective(law, points, delta: options.huberDelta, $0) }, from: start)
    }

    /// Every start of the grid, minimised in parallel; results in grid order.
    static func fitGrid<Law: ScalingLaw>(_ law: Law, _ points: GroupedPoints<Law.Point>, options: FitOptions, starts: [[Double]]) -> [LBFGS
        .Result]
    {
        let results = UnsafeMutableBufferPointer<LBFGS.Result?>.allocate(capacity: starts.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let chunks = min(starts.count, ProcessInfo.processInfo.activeProcessorCount * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in stride(from: chunk, to: starts.count, by: chunks) {
                results[index] = minimize(law, points, options: options, from: starts[index])
            }
        }
        return results.map { $0! }
    }

    /// Fits `law` to the runs' points; bootstraps over runs when `options.bootstrapResamples` > 0.
    public static func fit<Law: ScalingLaw>(_ law: Law, runs: [Run], options: FitOptions = FitOptions()) throws -> FitResult<Law> {
        let groups = runs.map { law.points(from: $0) }.filter { !$0.isEmpty }
        let points = groups.flatMap { $0 }
        guard points.count >= law.parameterNames.count else {
            throw LawError(
                "\(law.name) has \(law.parameterNames.count) parameters but the selection gives \(points.count) usable points "
                    + "(runs need the fields the law reads and a positive loss)")
        }
        let grid = fitGrid(law, GroupedPoints(points), options: options, starts: law.initialGrid)
        let ranked = grid.indices.filter { grid[$0].value.isFinite }.sorted { (grid[$0].value, $0) < (grid[$1].value, $1) }
        guard let bestIndex = ranked.first else { throw LawError("\(law.name): no start of the grid gave a finite objective") }
        let best = grid[bestIndex]
        var intervals: [(lower: Double, upper: Double)]? = nil
        var samples: [[Double]] = []
        if options.bootstrapResamples > 0 {
            let starts = [best.parameters] + ranked.dropFirst().prefix(options.bootstrapStarts - 1).map { grid[$0].parameters }
            samples = bootstrap(law, groups: groups, starts: starts, options: options)
            let naturalCount = law.natural(best.parameters).count
            intervals = (0..<naturalCount).map { index in
                let values = samples.map { $0[index] }.filter(\.isFinite)
                return values.isEmpty ? (.nan, .nan) : (Metrics.quantile(values, 0.025), Metrics.quantile(values, 0.975))
            }
        }
        return FitResult(
            law: law, parameters: best.parameters, objective: best.value, intervals: intervals,
            bootstrapNatural: samples, pointCount: points.count, runCount: groups.count)
    }

    /// Natural parameters of each resample's best fit.
    static func bootstrap<Law: ScalingLaw>(_ law: Law, groups: [[Law.Point]], starts: [[Double]], options: FitOptions) -> [[Double]] {
        let resamples = options.bootstrapResamples
        let results = UnsafeMutableBufferPointer<[Double]>.allocate(capacity: resamples)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let done = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for resample in stride(from: worker, to: resamples, by: workers) {
                var generator = SeededGenerator(seed: options.seed &+ UInt64(resample) &* 0x9E37_79B9)
                var points: [Law.Point] = []
                for _ in 0..<groups.count { points += groups[Int(generator.next() % UInt64(groups.count))] }
                var tight = options
                tight.relativeTolerance = options.bootstrapRelativeTolerance
                let grouped = GroupedPoints(points)
                let fits = starts.map { minimize(law, grouped, options: tight, from: $0) }
                let best = fits.filter { $0.value.isFinite }.min { $0.value < $1.value }
                results[resample] = best.map { law.natural($0.parameters).map(\.value) } ?? []
                if let report = options.bootstrapProgress { report(done.increment()) }
            }
        }
        return results.filter { !$0.isEmpty }
    }
}

/// Points with equal inputs gathered under one of them, in order of first appearance:
/// StepLaw's 1,500 runs of three sizes sit at a dozen (N, D) pairs.
struct GroupedPoints<Point: LawPoint> {
    var representatives: [Point] = []
    var logLosses: [[Double]] = []

    init(_ points: [Point]) {
        var groupOf: [[Double]: Int] = [:]
        for point in points {
            let inputs = point.inputs
            if let inputs, let group = groupOf[inputs] {
                logLosses[group].append(Foundation.log(point.loss))
                continue
            }
            if let inputs { groupOf[inputs] = representatives.count }
            representatives.append(point)
            logLosses.append([Foundation.log(point.loss)])
        }
    }
}

/// A count shared by the bootstrap's workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
}

public struct LawError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The laws the predictor's baselines refit on every training, fitted here where the generic
/// engine is specialised for them: called from another module, `fit` ran unspecialised, every
/// dual-number operation through a witness table (docs/DESIGN.md, Laws). Calls with these
/// laws and default options pick these overloads.
extension LawFitting {
    public static func fit(_ law: ChinchillaLaw, runs: [Run]) throws -> FitResult<ChinchillaLaw> {
        try fit(law, runs: runs, options: FitOptions())
    }
    public static func fit(_ law: ChinchillaFixedAlphaLaw, runs: [Run]) throws -> FitResult<ChinchillaFixedAlphaLaw> {
        try fit(law, runs: runs, options: FitOptions())
    }
    public static func fit(_ law: ChinchillaGammaLaw, runs: [Run]) throws -> FitResult<ChinchillaGammaLaw> {
        try fit(law, runs: runs, options: FitOptions())
    }
    public static func fit(_ law: ChinchillaGammaTiedLaw, runs: [Run]) throws -> FitResult<ChinchillaGammaTiedLaw> {
        try fit(law, runs: runs, options: FitOptions())
    }
}
