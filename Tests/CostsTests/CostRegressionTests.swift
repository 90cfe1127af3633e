// The regression of a system's training cost on what is known before training, against the
// least-squares baseline the issue reports (log10 cost on log10 compute, R^2 0.836 on our
// copy of Epoch's notable models), on the same folds with whole systems held out.
import Costs
import Foundation
import Scoring
import TestSupport
import XCTest

final class CostRegressionTests: XCTestCase {
    static let regression = Result {
        CostRegression(
            systems: try EpochSystems.load(path: datasetsRoot + "/epoch_notable_models/notable_ai_models.csv"),
            model: try CostModel.load(directory: datasetsRoot + "/epoch_training_costs", estimating: false))
    }

    /// The baseline fitted on every system reproduces the in-sample R^2 of 0.836.
    func testBaselineReproducesTheReportedFit() throws {
        let rows = try Self.regression.get().rows
        let design = rows.map { [1, $0.logCompute] }, targets = rows.map(\.logCost)
        let coefficients = try XCTUnwrap(LeastSquares.solve(design, targets))
        let mean = targets.reduce(0, +) / Double(targets.count)
        let residual = zip(design, targets).reduce(0.0) { sum, pair in
            let fitted = coefficients[0] + coefficients[1] * pair.0[1]
            return sum + (pair.1 - fitted) * (pair.1 - fitted)
        }
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        XCTAssertEqual(1 - residual / total, 0.836, accuracy: 0.002)
    }

    /// Held-out systems are predicted better than by compute alone on every fold assignment.
    func testFeaturesBeatComputeAloneOnEveryFoldAssignment() throws {
        let regression = try Self.regression.get()
        let report = regression.report()
        print(
            String(
                format: "cost regression, %d systems, grouped 5-fold CV R^2 on log10 cost: %@ (baseline %@)", report.systems,
                report.full.map { String(format: "%.3f", $0) }.joined(separator: " "),
                report.baseline.map { String(format: "%.3f", $0) }.joined(separator: " ")))
        print(
            "  with the chip-hours of the finished run (a ceiling): "
                + report.withChipHours.map { String(format: "%.3f", $0) }.joined(separator: " "))
        for effect in report.without {
            print("  without \(effect.group): " + effect.r2.map { String(format: "%.3f", $0) }.joined(separator: " "))
        }
        for (full, baseline) in zip(report.full, report.baseline) { XCTAssertGreaterThan(full, baseline) }
    }
}
