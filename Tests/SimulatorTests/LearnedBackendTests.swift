// The simulator answering from the bundled LossCast checkpoint.
import Foundation
import XCTest
@testable import Simulator
import Runs
import TestSupport

final class LearnedBackendTests: XCTestCase {
    func makeSimulator(noise: Double = 0.02) throws -> Simulator {
        let backend = try LearnedBackend(checkpoint: repositoryRoot + "/Checkpoints/default.safetensors")
        return try Simulator(configuration: SimulatorConfiguration(noiseScale: noise, budget: 100), backend: backend)
    }

    /// The StepLaw 1.07B shape (d_model 2048, 16 layers) at batch 1024 x 2048 tokens.
    func request(lr: Double, tokens: Double, gpus: Int = 8) -> TrainingRequest {
        let fields: [String: ConfigValue] = [
            ConfigKey.params: .number(1_073_741_824), "d_model": .number(2048), "ffn_dim": .number(8192), "n_heads": .number(16),
            "n_layers": .number(16), ConfigKey.batchSizeSeqs: .number(1024), ConfigKey.seqLen: .number(2048),
            ConfigKey.batchSizeTokens: .number(2_097_152), ConfigKey.lr: .number(lr), ConfigKey.minLR: .number(1e-5),
            "source": .text("steplaw-dense")
        ]
        return TrainingRequest(gpus: gpus, configuration: fields, tokens: tokens)
    }

    /// StepLaw's smoothed final loss for h 2048, lr 1.953e-3, bs 1024 at 2e10 tokens, from its CSV.
    func stepLawLoss() throws -> Double {
        let text = try String(contentsOfFile: datasetsRoot + "/steplaw/dense_lr_bs_loss.csv", encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        func column(_ name: String) throws -> Int { try XCTUnwrap(header.firstIndex(of: name), name) }
        let (h, lr, bs, tokens, loss) = (try column("h"), try column("lr"), try column("bs"), try column("D"), try column("smooth loss"))
        let row = try XCTUnwrap(
            lines.dropFirst().first {
                $0.count == header.count && $0[h] == "2048" && Double($0[lr]) == 0.001953 && $0[bs] == "1024" && Double($0[tokens]) == 2e10
            })
        return try XCTUnwrap(Double(row[loss]))
    }

    func testDaysCostAndCurveFromCompute() throws {
        let simulator = try makeSimulator(noise: 0)
        let result = try simulator.simulate(request(lr: 0.001953, tokens: 2e10))
        // days = 6 N D / (GPUs x 1.5e14 x 86,400) = 6 x 1,073,741,824 x 2e10 / 1.0368e20.
        XCTAssertEqual(result.days, 1.2427567407, accuracy: 1e-9)
        XCTAssertEqual(result.cost, 8 * 1.2427567407, accuracy: 1e-8)
        XCTAssertEqual(result.metric, "loss")
        XCTAssertEqual(result.curve.count, 100)
        XCTAssertEqual(result.curve.last!.day, result.days, accuracy: 1e-9)
        // The real run with this configuration (the checkpoint was trained on StepLaw, so this
        // is an in-distribution point: within the predictor's in-distribution error).
        XCTAssertEqual(result.value, try stepLawLoss(), accuracy: 0.03)
        XCTAssertGreaterThan(result.curve[4].value, result.value)
        XCTAssertEqual(simulator.budgetReport().spent, result.cost, accuracy: 1e-6)
    }

    /// The checkpoint backend's two fields, set through a PUT-style override as a session would.
    func testFlopsPerGPUAndDivergenceThresholdFromTheConfiguration() throws {
        let backend = try LearnedBackend(checkpoint: repositoryRoot + "/Checkpoints/default.safetensors")
        let faster = try SimulatorConfiguration(noiseScale: 0, budget: 100).overriding(["flops_per_gpu": 3e14])
        let result = try Simulator(configuration: faster, backend: backend).simulate(request(lr: 0.001953, tokens: 2e10))
        // Twice the FLOP/s of the default: half of 1.2427567407 days.
        XCTAssertEqual(result.days, 1.2427567407 / 2, accuracy: 1e-9)
        // lr 0.2 diverges at the default threshold; with a threshold of 1 nothing fails as diverged.
        let tolerant = try SimulatorConfiguration(budget: 100).overriding(["divergence_threshold": 1])
        let ticket = try Simulator(configuration: tolerant, backend: backend).submit(request(lr: 0.2, tokens: 2e10))
        if case .failed(let reason) = ticket.status { XCTFail("failed at threshold 1: \(reason)") }
    }

    func testMoreTokensLowerTheLoss() throws {
        let simulator = try makeSimulator(noise: 0)
        let short = try simulator.simulate(request(lr: 0.001953, tokens: 1e10, gpus: 1))
        let long = try simulator.simulate(request(lr: 0.001953, tokens: 4e10, gpus: 1))
        XCTAssertLessThan(long.value, short.value)
        XCTAssertEqual(long.days / short.days, 4, accuracy: 1e-9)
    }

    func testPredictedDivergenceFailsTheRunAndSpendsNothing() throws {
        let simulator = try makeSimulator()
        let ticket = try simulator.submit(request(lr: 0.2, tokens: 2e10))
        guard case .failed(let reason) = ticket.status else { return XCTFail("expected a failed run, got \(ticket.status)") }
        XCTAssertTrue(reason.contains("diverged"))
        XCTAssertEqual(simulator.budgetReport().spent, 0)
        XCTAssertEqual(simulator.budgetReport().remaining, 100)
    }

    func testMissingFieldsAreNamed() throws {
        let simulator = try makeSimulator()
        var noBatch = request(lr: 0.001953, tokens: 2e10)
        for key in [ConfigKey.batchSizeTokens, ConfigKey.batchSizeSeqs] { noBatch.configuration?[key] = nil }
        let cases: [(TrainingRequest, String)] = [
            (TrainingRequest(layers: [128], days: 3), "layers"),
            (TrainingRequest(tokens: 1e9), "configuration"),
            (TrainingRequest(configuration: [ConfigKey.batchSizeTokens: .number(1e6)], tokens: 1e9), "configuration.params"),
            (TrainingRequest(configuration: [ConfigKey.params: .number(1e9), ConfigKey.batchSizeTokens: .number(1e6)]), "tokens"),
            (noBatch, "configuration.batch_size_tokens")
        ]
        for (request, field) in cases {
            XCTAssertThrowsError(try simulator.submit(request)) { error in
                guard case SimulatorError.invalidField(let named, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(named, field)
            }
        }
    }
}
