// L-BFGS on a function with a known minimum, each law's gradient against finite
// differences, and the metrics against values worked out by hand.
import Foundation
@testable import Laws
import Scoring
import Runs
import XCTest

final class OptimizerAndMetricTests: XCTestCase {
    func testLBFGSFindsRosenbrockMinimum() {
        // f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 has its minimum 0 at (1, 1).
        let result = LBFGS().minimize(
            { p in
                let (x, y) = (p[0], p[1])
                return ((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
            }, from: [-1.2, 1])
        XCTAssertEqual(result.parameters[0], 1, accuracy: 1e-4)
        XCTAssertEqual(result.parameters[1], 1, accuracy: 1e-4)
    }

    /// d ln L / d parameter from the dual numbers against central differences, for each law.
    func testLawGradientsMatchFiniteDifferences() {
        func check<Law: ScalingLaw>(_ law: Law, _ point: Law.Point, _ parameters: [Double]) {
            let duals = parameters.enumerated().map { Dual.variable($0.element, index: $0.offset) }
            let analytic = law.logPrediction(duals, point)
            XCTAssertEqual(analytic.value, law.logPrediction(parameters, point), accuracy: 1e-12)
            for index in parameters.indices {
                var plus = parameters, minus = parameters
                plus[index] += 1e-6
                minus[index] -= 1e-6
                let numeric = (law.logPrediction(plus, point) - law.logPrediction(minus, point)) / 2e-6
                XCTAssertEqual(analytic.partials[index], numeric, accuracy: 1e-6 * max(1, abs(numeric)), "\(law.name) parameter \(index)")
            }
        }
        let size = SizePoint(params: 4e8, tokens: 8e9, loss: 2.5, extra: [2e9])
        check(ChinchillaLaw(), size, [0.6, 6.2, 7.6, 0.34, 0.37])
        check(ChinchillaGammaLaw(), size, [-0.4, 12.6, 13.8, 0.56, 0.53, log(0.26)])
        check(KaplanLaw(), size, [log(8.8e13), log(5.4e13), 0.076, 0.095])
        check(DataConstrainedLaw(), size, [0.6, 6.2, 7.6, 0.34, 0.37, log(15)])
        check(ParallelScalingLaw(), SizePoint(params: 4e8, tokens: 1, loss: 2.5, extra: [4]), [6, 0.5, 0.3, 0.05])
        let curve = CurvePointFeatures(
            loss: 3.2, area: 5.1, annealingArea: 0.2,
            drops: [(drop: 1e-5, rate: 2.5e-4, areaSince: 0.8), (drop: 2e-5, rate: 1e-4, areaSince: 0.1)])
        check(AnnealingLaw(), curve, [log(3), log(0.5), log(0.4), log(1)])
        check(MultiPowerLaw(), curve, [log(3), log(0.5), log(0.5), log(400), log(2), log(0.5), log(0.6)])
    }

    /// The fit's objective with points sharing an (N, D) gathered under one prediction is the
    /// sum of each point's Huber term written out here, residuals on both sides of delta, and
    /// its gradient is the objective's central difference.
    func testObjectiveOverSharedInputsIsThePointsSum() {
        let parameters = [0.6, 6.2, 7.6, 0.34, 0.37], delta = 1e-3
        let law = ChinchillaLaw()
        var points: [SizePoint] = []
        for (params, tokens) in [(1e8, 2e9), (4e8, 8e9), (1e8, 2e9), (4e8, 8e9), (1e8, 2e9)] {
            let clean = law.predict(parameters, SizePoint(params: params, tokens: tokens, loss: 1))
            // Offsets in log loss of 0.0004 (quadratic) to 0.03 (linear), both signs.
            points.append(
                SizePoint(params: params, tokens: tokens, loss: clean * exp(0.0004 * Double(points.count * points.count) - 0.004)))
        }
        XCTAssertEqual(GroupedPoints(points).representatives.count, 2)
        let byHand = points.map { point -> Double in
            let residual = log(law.predict(parameters, point)) - log(point.loss)
            return abs(residual) <= delta ? 0.5 * residual * residual : delta * (abs(residual) - 0.5 * delta)
        }.reduce(0, +)
        let (value, gradient) = LawFitting.objective(law, points, delta: delta, parameters)
        XCTAssertEqual(value, byHand, accuracy: 1e-12 * max(1, byHand))
        for index in parameters.indices {
            var plus = parameters, minus = parameters
            plus[index] += 1e-7
            minus[index] -= 1e-7
            let numeric =
                (LawFitting.objective(law, points, delta: delta, plus).0 - LawFitting.objective(law, points, delta: delta, minus).0) / 2e-7
            XCTAssertEqual(gradient[index], numeric, accuracy: 1e-6 * max(1e-3, abs(numeric)), "parameter \(index)")
        }
    }

    /// Least squares recovers an exact linear relation, refuses dependent columns, and a
    /// ridge pulls the slopes (not the intercept) toward zero.
    func testLeastSquaresByHand() throws {
        let design = [[1.0, 0, 1], [1, 1, 0], [1, 2, 3], [1, 3, 1], [1, 4, 5], [1, 5, 2]]
        let targets = design.map { 2 + 3 * $0[1] - $0[2] }
        let solution = try XCTUnwrap(LeastSquares.solve(design, targets))
        for (value, expected) in zip(solution, [2.0, 3, -1]) { XCTAssertEqual(value, expected, accuracy: 1e-10) }
        XCTAssertNil(LeastSquares.solve(design.map { [$0[0], $0[1], 2 * $0[1]] }, targets))
        XCTAssertNil(LeastSquares.solve([[1, 2]], [3]))
        let ridged = try XCTUnwrap(LeastSquares.solve(design, targets, ridge: 10))
        XCTAssertLessThan(abs(ridged[1]), 3)
        XCTAssertLessThan(abs(ridged[2]), 1)
    }

    func testMetricsByHand() {
        let predicted = [1.0, 2, 4], actual = [1.5, 2, 3]
        XCTAssertEqual(Metrics.meanAbsoluteError(predicted, actual), 0.5, accuracy: 1e-12)  // (0.5 + 0 + 1) / 3
        XCTAssertEqual(Metrics.rootMeanSquaredError(predicted, actual), (1.25 / 3).squareRoot(), accuracy: 1e-12)
        // mean 13/6; SS_tot = 16/36 + 1/36 + 25/36 = 42/36; SS_res = 1.25 = 45/36; R^2 = 1 - 45/42.
        XCTAssertEqual(Metrics.rSquared(predicted, actual), -1.0 / 14, accuracy: 1e-12)
        XCTAssertEqual(Metrics.ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
        // x has a tie; by hand: ranks x = [1, 2.5, 2.5, 4], ranks y = [1, 2, 3, 4];
        // Pearson of those: cov = (-1.5)(-1.5) + 0 + 0 + (1.5)(1.5) = 4.5; var x = 2.25+0+0+2.25 = 4.5; var y = 5; rho = 4.5 / sqrt(22.5).
        XCTAssertEqual(Metrics.spearman([1, 2, 2, 3], [1, 2, 3, 4]), 4.5 / 22.5.squareRoot(), accuracy: 1e-12)
        // Kendall tau-b: pairs (6): concordant 5, discordant 0, one tie in x only.
        // tau-b = 5 / sqrt((5 + 0 + 1)(5 + 0 + 0)) = 5 / sqrt(30).
        XCTAssertEqual(Metrics.kendall([1, 2, 2, 3], [1, 2, 3, 4]), 5 / 30.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(Metrics.kendall([1, 2, 3], [3, 2, 1]), -1, accuracy: 1e-12)
        XCTAssertEqual(Metrics.coverage(lower: [0, 0, 0, 0], upper: [1, 1, 1, 1], actual: [0.5, 1, 1.5, -0.1]), 0.5)
        // Widths 1 each; misses of 0.5 and 0.1 cost 20 x each: (4 + 20 x 0.6) / 4 = 4.
        XCTAssertEqual(Metrics.intervalScore(lower: [0, 0, 0, 0], upper: [1, 1, 1, 1], actual: [0.5, 1, 1.5, -0.1]), 4, accuracy: 1e-12)
        // AUC: positives score 0.9 and 0.4, negatives 0.5 and 0.1: 3 of 4 pairs ordered.
        XCTAssertEqual(Metrics.rocAUC(scores: [0.9, 0.4, 0.5, 0.1], labels: [true, true, false, false]), 0.75, accuracy: 1e-12)
        XCTAssertEqual(Metrics.quantile([1, 2, 3, 4], 0.5), 2.5, accuracy: 1e-12)
    }

    func testScheduleFromLoggedRates() {
        // Linear between logged points; a lone change between flat stretches is a step.
        let schedule = Schedule(loggedSteps: [4, 6, 8, 10, 12], loggedRates: [1, 1, 0.5, 0.5, 0.5], warmupSteps: 2, peak: 1, lastStep: 12)
        XCTAssertEqual(schedule.rates, [0.5, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5], accuracy: 1e-12)
        XCTAssertEqual(schedule.forwardArea(at: 3), 2.5)
        let cosine = Schedule(loggedSteps: [2, 4, 6], loggedRates: [1, 0.8, 0.4], warmupSteps: 0, peak: 1, lastStep: 6)
        XCTAssertEqual(cosine.rates, [1, 1, 0.9, 0.8, 0.6, 0.4], accuracy: 1e-12)
        // S2 with lambda 0.5 on rates 1, 1, 0.9, 0.8: m = 0, 0, 0.1, 0.15; S2 = 0, 0, 0.1, 0.25.
        XCTAssertEqual(Array(cosine.annealingAreas(lambda: 0.5).prefix(4)), [0, 0, 0.1, 0.25].map { $0 }, accuracy: 1e-12)
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
