// The same simulator answering from a LossCast checkpoint: an LLM pretraining
// configuration and a token budget give the predicted loss curve, and a predicted
// divergence makes the run fail (spending nothing, as every failed run). Training time
// comes from compute: days = 6 N D / (GPUs x sustained FLOP/s per GPU x 86,400).
import Foundation
import Predictor
import Runs

public final class LearnedBackend: SimulationBackend, @unchecked Sendable {
    public let name: String
    private let predictor: Predictor
    private let lock = NSLock()  // the predictor's network is not built for concurrent calls
    /// At most this many points on a curve.
    static let curvePoints = 200

    public init(checkpoint path: String) throws {
        predictor = try Predictor.load(path: path)
        name = "checkpoint:" + (path as NSString).lastPathComponent
    }

    public func plan(_ request: TrainingRequest, configuration c: SimulatorConfiguration) throws -> RunPlan {
        if request.layers != nil || request.days != nil {
            throw SimulatorError.invalidField(
                field: request.layers != nil ? "layers" : "days", value: "given",
                hint: "configuration and tokens: the checkpoint backend simulates LLM pretraining, and derives days from compute")
        }
        guard let configuration = request.configuration else {
            throw SimulatorError.invalidField(
                field: "configuration", value: "missing",
                hint: "an object such as {\"params\": 1e9, \"batch_size_tokens\": 1048576, \"lr\": 0.002}")
        }
        guard let parameters = configuration[ConfigKey.params]?.number, parameters.isFinite, parameters >= 1e5, parameters <= 1e13 else {
            throw SimulatorError.invalidField(
                field: "configuration.params", value: configuration[ConfigKey.params].map { "\($0)" } ?? "missing",
                hint: "the model's parameter count, between 1e5 and 1e13")
        }
        guard let tokens = request.tokens ?? configuration[ConfigKey.tokens]?.number, tokens.isFinite, tokens >= 1e6, tokens <= 1e15 else {
            throw SimulatorError.invalidField(
                field: "tokens", value: request.tokens.map { "\($0)" } ?? "missing", hint: "the token budget, between 1e6 and 1e15")
        }
        guard batchTokens(configuration) != nil else {
            throw SimulatorError.invalidField(
                field: "configuration.batch_size_tokens", value: "missing",
                hint: "the batch size in tokens (or batch_size_seqs and seq_len), to place the curve's steps")
        }
        for (key, value) in configuration {
            if let number = value.number, !number.isFinite {
                throw SimulatorError.invalidField(field: "configuration.\(key)", value: "\(number)", hint: "a finite number")
            }
        }
        try Self.validate(gpus: request.gpus)
        let days = 6 * parameters * tokens / (Double(request.gpus) * c.flopsPerGPU * 86_400)
        return RunPlan(parameters: parameters, days: days, gpus: request.gpus)
    }

    public func outcome(_ request: TrainingRequest, plan: RunPlan, configuration c: SimulatorConfiguration) throws -> TrainingOutcome {
        var configuration = request.configuration ?? [:]
        let tokens = request.tokens ?? configuration[ConfigKey.tokens]?.number ?? 0
        configuration[ConfigKey.tokens] = .number(tokens)
        let batch = batchTokens(configuration)!
        let total = max(1, (tokens / batch).rounded())
        configuration[ConfigKey.totalSteps] = .number(total)
        // Each whole day when there are 20 to 200 of them; otherwise 100 evenly spaced points.
        let fractions: [Double] =
            plan.days >= 20 && plan.days <= Double(Self.curvePoints)
            ? ReferenceBackend.curveDays(plan.days).dropFirst().map { $0 / plan.days }
            : (1...100).map { Double($0) / 100 }
        let steps = Array(Set(fractions.map { max(1, ($0 * total).rounded()) })).sorted()
        let predicted = try lock.withLock { try predictor.predict([Configuration(configuration)], at: steps)[0] }
        let predictions = predicted.points
        let curve = zip(predicted.steps, predictions).map { step, prediction in
            let progress = step / total
            return CurveSample(day: progress * plan.days, value: prediction.loss, progress: progress)
        }
        let final = predictions.last!
        let failure =
            final.divergenceProbability >= c.divergenceThreshold
            ? String(format: "diverged (predicted divergence probability %.2f)", final.divergenceProbability) : nil
        return TrainingOutcome(
            metric: "loss", value: final.loss, curve: curve, parameters: plan.parameters, sufficiency: nil,
            queriesPerSecond: Throughput.queriesPerSecond(parameters: plan.parameters, configuration: c), failure: failure)
    }

    /// Tokens per step (Configuration's rule: stated, else sequences x length), when positive;
    /// the request's reader has already refused a zero or negative size.
    private func batchTokens(_ configuration: [String: ConfigValue]) -> Double? {
        Configuration(configuration).batchTokens.flatMap { $0 > 0 ? $0 : nil }
    }
}
