// The transformer-lite: its attention block against finite differences, a masked field's
// value reaching nothing, and the network trained on StepLaw's small shapes predicting the
// two large ones better than Chinchilla fitted on the same runs, through a checkpoint.
import Autograd
import Foundation
import Layers
@testable import Predictor
import Runs
import Scoring
import Tensors
import TestSupport
import XCTest

final class TransformerTests: XCTestCase {
    func testTransformerBlockGradientWithAMaskedToken() {
        var generator = SeededGenerator(seed: 3)
        let block = TransformerBlock(width: 8, heads: 2, using: &generator)
        // Two sets of four tokens; the second set's third token is masked out.
        let mask = MultiHeadSelfAttention.keyMask([[true, true, true, true], [true, true, false, true]], heads: 2)
        let input = Tensors.Tensor.randomNormal(shape: [2, 4, 8], standardDeviation: 1, using: &generator)
        gradientCheck([input], "transformer block") { block($0[0], keyMask: mask) }
    }

    func testAMaskedFieldChangesNothingAndAPresentOneDoes() throws {
        let provenance = Provenance(file: "f", importer: "test")
        let runs: [Run] = (0..<6).map { (index: Int) -> Run in
            let scale = Double(index + 1)
            let configuration: [String: ConfigValue] = [
                ConfigKey.params: .number(1e8 * scale), ConfigKey.lr: .number(1e-3 * scale),
                ConfigKey.optimizer: .text(index % 2 == 0 ? "adamw" : "lion")
            ]
            return Run(
                source: "s", name: "\(index)", configuration: configuration, curve: [CurvePoint(losses: ["loss": 3])], targetLoss: "loss",
                parameterConvention: .total, provenance: provenance)
        }
        let encoder = FeatureEncoder.fit(runs: runs, contexts: runs.map { StepContext.contexts(for: $0) })
        var architecture = Architecture()
        architecture.model = .transformer
        architecture.width = 16
        var generator = SeededGenerator(seed: 1)
        let network = PredictorNetworks.make(encoder: encoder, architecture: architecture, using: &generator)
        let lr = try XCTUnwrap(encoder.numeric.firstIndex { $0.name == ConfigKey.lr })
        let fields = encoder.numeric.count
        func output(lrValue: Float, missing: Bool) -> [Float] {
            var numeric = encoder.encode(run: runs[0], context: StepContext())
            numeric[lr] = lrValue
            numeric[fields + lr] = missing ? 1 : 0
            let input = Tensors.Tensor(shape: [1, numeric.count], scalars: numeric)
            let categories: [[Int]] = encoder.categories(run: runs[0]).map { [$0] }
            return network(numeric: input, categories: categories).value.scalars
        }
        XCTAssertEqual(output(lrValue: -1, missing: true), output(lrValue: 2, missing: true), "a masked token is not attended to")
        XCTAssertNotEqual(output(lrValue: -1, missing: false), output(lrValue: 2, missing: false))
    }

    func testTransformerOnStepLawBeatsChinchillaThroughACheckpoint() throws {
        let (fit, validation, large) = try PredictorTests.ncplSplit()
        var options = TrainingOptions(model: .transformer)
        options.epochs = 30
        options.calibratesExtrapolation = false  // no interval is asserted here
        let predictor = try Trainer.train(runs: fit, validation: validation, options: options)
        let predictions = predictor.predictFinal(large)
        let error = Metrics.meanAbsoluteError(predictions.map(\.loss), large.map { $0.finalLoss! })
        let spearman = Metrics.spearman(predictions.map(\.loss), large.map { $0.finalLoss! })
        let (lawError, lawSpearman) = try PredictorTests.chinchillaReference(fit: fit, on: large)
        print(
            String(
                format: "transformer on StepLaw 537M + 1.07B: MAE %.4f Spearman %.3f; Chinchilla %.4f / %.3f", error, spearman, lawError,
                lawSpearman))
        XCTAssertLessThan(error, lawError)
        XCTAssertGreaterThan(spearman, lawSpearman)

        let path = NSTemporaryDirectory() + "transformer-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try predictor.save(path: path)
        let loaded = try Predictor.load(path: path)
        XCTAssertEqual(loaded.architecture.model, .transformer)
        XCTAssertEqual(loaded.predictFinal(large), predictions)
    }
}
