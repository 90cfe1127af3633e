// The optimum laws against runs generated from a known one, and the encoder's use of them
// and of the model's shape.
import Foundation
@testable import Predictor
import Runs
import XCTest

final class OptimumLawTests: XCTestCase {
    let provenance = Provenance(file: "generated", importer: "test")

    /// Grids of 9 learning rates (a factor of sqrt(2) apart) at 3 sizes x 2 budgets, the loss a
    /// bowl in ln lr around lr* = 0.5 N^-0.7 D^0.3 placed on a grid point of each group.
    func gridRuns() -> [Run] {
        var runs: [Run] = []
        for n in [1e8, 4e8, 1.6e9] {
            for d in [1e10, 4e10] {
                let optimum = 0.5 * pow(n, -0.7) * pow(d, 0.3)
                for step in -4...4 {
                    let lr = optimum * pow(2, Double(step) / 2)
                    let loss = 2 + 0.05 * pow(log(lr / optimum), 2)
                    runs.append(
                        Run(
                            source: "grid", name: "\(n)-\(d)-\(step)",
                            configuration: [ConfigKey.params: .number(n), ConfigKey.tokens: .number(d), ConfigKey.lr: .number(lr)],
                            curve: [CurvePoint(losses: ["loss": loss])], targetLoss: "loss", parameterConvention: .total,
                            provenance: provenance))
                }
            }
        }
        return runs
    }

    func testRecoversTheLawTheRunsWereMadeWith() throws {
        let law = try XCTUnwrap(OptimumLaw.fit(key: ConfigKey.lr, runs: gridRuns()))
        XCTAssertEqual(law.groups, 6)
        XCTAssertEqual(law.coefficients[0], log(0.5), accuracy: 1e-6)
        XCTAssertEqual(law.coefficients[1], -0.7, accuracy: 1e-7)
        XCTAssertEqual(law.coefficients[2], 0.3, accuracy: 1e-7)
        XCTAssertNil(OptimumLaw.fit(key: ConfigKey.batchSizeTokens, runs: gridRuns()), "no batch grid, no batch law")
    }

    func testAGroupWhoseBestIsAtTheEdgeOnlyBoundsTheOptimumAndIsLeftOut() throws {
        // Drop the four learning rates below each optimum: the best is now the smallest tried.
        let clipped = gridRuns().filter {
            !$0.name.hasSuffix("--1") && !$0.name.hasSuffix("--2") && !$0.name.hasSuffix("--3") && !$0.name.hasSuffix("--4")
        }
        XCTAssertNil(OptimumLaw.fit(key: ConfigKey.lr, runs: clipped))
    }

    func testTheEncoderReadsTheDistanceFromTheOptimumAndTheShape() throws {
        var runs = gridRuns()
        for index in runs.indices {
            runs[index].configuration[ConfigKey.dModel] = .number(1024)
            runs[index].configuration[ConfigKey.nLayers] = .number(Double(8 + index % 3 * 8))
        }
        let encoder = FeatureEncoder.fit(runs: runs, contexts: runs.map { StepContext.contexts(for: $0) })
        XCTAssertFalse(
            encoder.numeric.contains { $0.name == ConfigKey.dModel || $0.name == ConfigKey.nLayers }, "shape fields enter as ratios")
        let distance = try XCTUnwrap(encoder.numeric.firstIndex { $0.name == FeatureEncoder.optimumFeatureName(ConfigKey.lr) })
        let aspect = try XCTUnwrap(encoder.numeric.firstIndex { $0.name == "derived.log_aspect_ratio" })
        // A run two grid steps above its optimum (a factor of 2); it is the 7th run, so 8 layers.
        let run = runs.first { $0.name == "100000000.0-10000000000.0-2" }!
        XCTAssertEqual(encoder.rawValue(encoder.numeric[distance].name, run: run, context: StepContext())!, log(2), accuracy: 1e-9)
        XCTAssertEqual(encoder.rawValue(encoder.numeric[aspect].name, run: run, context: StepContext())!, log(1024.0 / 8), accuracy: 1e-12)
    }
}
