// What a simulated training run is asked for and what it gives back, and the backends
// that answer: the seed's reference curves here, a LossCast checkpoint in LearnedBackend.
import Foundation
import Runs

/// One training run an agent asks for. The reference backend reads `layers` and `days`;
/// the learned backend reads `configuration` (params, batch size, lr, ...) and `tokens`.
public struct TrainingRequest: Codable, Sendable, Equatable {
    public var layers: [Int]?
    public var days: Double?
    public var gpus: Int
    public var configuration: [String: ConfigValue]?
    public var tokens: Double?
    /// Return the noisy value cached for this exact request instead of drawing new noise.
    public var reuseCachedNoise: Bool

    public init(
        layers: [Int]? = nil, days: Double? = nil, gpus: Int = 1, configuration: [String: ConfigValue]? = nil,
        tokens: Double? = nil, reuseCachedNoise: Bool = false
    ) {
        self.layers = layers
        self.days = days
        self.gpus = gpus
        self.configuration = configuration
        self.tokens = tokens
        self.reuseCachedNoise = reuseCachedNoise
    }

    /// The whole configuration as one canonical string: the cache key and the noise key.
    public var cacheKey: String {
        var parts = ["gpus=\(gpus)"]
        if let layers { parts.append("layers=" + layers.map(String.init).joined(separator: ",")) }
        if let days { parts.append("days=\(days)") }
        if let tokens { parts.append("tokens=\(tokens)") }
        for (key, value) in (configuration ?? [:]).sorted(by: { $0.key < $1.key }) { parts.append("\(key)=\(value)") }
        return parts.joined(separator: ";")
    }
}

/// A validated, priced request.
public struct RunPlan: Sendable, Equatable {
    public var parameters: Double
    /// Simulated wall-clock training time.
    public var days: Double
    public var gpus: Int
    /// GPU count x training days.
    public var cost: Double { Double(gpus) * days }
}

public struct CurveSample: Codable, Sendable, Equatable {
    public var day: Double
    public var value: Double
    /// Sufficiency, or the fraction of the token budget seen: what the noise reads.
    public var progress: Double
}

/// The noise-free outcome of a run; the session adds noise to it.
public struct TrainingOutcome: Codable, Sendable, Equatable {
    /// "normalized_entropy" or "loss": lower is better for both.
    public var metric: String
    public var value: Double
    public var curve: [CurveSample]
    public var parameters: Double
    public var sufficiency: Double?
    public var queriesPerSecond: Double
    /// A failure the backend foresees (a predicted divergence), or nil.
    public var failure: String?
}

public protocol SimulationBackend: Sendable {
    var name: String { get }
    /// Validates the request and prices it, throwing an error that names the field.
    func plan(_ request: TrainingRequest, configuration: SimulatorConfiguration) throws -> RunPlan
    func outcome(_ request: TrainingRequest, plan: RunPlan, configuration: SimulatorConfiguration) throws -> TrainingOutcome
}

extension SimulationBackend {
    static func validate(gpus: Int) throws {
        guard (1...65_536).contains(gpus) else {
            throw SimulatorError.invalidField(field: "gpus", value: "\(gpus)", hint: "a GPU count between 1 and 65536")
        }
    }
}

/// The seed's simulator: layer widths and training days to NE through the reference curves.
public struct ReferenceBackend: SimulationBackend {
    public let name = "reference"
    let interpolator: CurveInterpolator
    /// At most this many simulated days (ten years), so a curve stays a sensible size.
    static let longestRun = 3650.0

    public init(configuration: SimulatorConfiguration) throws {
        interpolator = try CurveInterpolator(configuration: configuration)
    }

    public func plan(_ request: TrainingRequest, configuration c: SimulatorConfiguration) throws -> RunPlan {
        guard let layers = request.layers else {
            throw SimulatorError.invalidField(field: "layers", value: "missing", hint: "hidden-layer widths, e.g. [1024, 1024]")
        }
        guard let days = request.days else {
            throw SimulatorError.invalidField(field: "days", value: "missing", hint: "training days, e.g. 30")
        }
        // Zero days would train nothing and cost nothing: a free answer, so it is refused.
        guard days.isFinite, days > 0, days <= Self.longestRun else {
            throw SimulatorError.invalidField(
                field: "days", value: "\(days)", hint: "a finite number of days above 0, at most \(Int(Self.longestRun))")
        }
        try Self.validate(gpus: request.gpus)
        if request.configuration != nil || request.tokens != nil {
            throw SimulatorError.invalidField(
                field: request.configuration != nil ? "configuration" : "tokens", value: "given",
                hint:
                    "layers and days only: the reference backend simulates MLPs; serve with --backend checkpoint FILE for LLM configurations"
            )
        }
        let parameters = try ParameterCount.of(
            layers: layers, inputDimension: c.inputDimension, outputDimension: c.outputDimension,
            firstLayer: c.firstLayer)
        return RunPlan(parameters: Double(parameters), days: days, gpus: request.gpus)
    }

    public func outcome(_ request: TrainingRequest, plan: RunPlan, configuration c: SimulatorConfiguration) throws -> TrainingOutcome {
        let days = Self.curveDays(plan.days)
        let curve = days.map { day -> CurveSample in
            let s = Sufficiency.of(days: day, maximumDays: c.maximumTrainingDays)
            return CurveSample(day: day, value: interpolator.normalizedEntropy(parameters: plan.parameters, sufficiency: s), progress: s)
        }
        let s = Sufficiency.of(days: plan.days, maximumDays: c.maximumTrainingDays)
        return TrainingOutcome(
            metric: "normalized_entropy", value: curve.last!.value, curve: curve, parameters: plan.parameters,
            sufficiency: s, queriesPerSecond: Throughput.queriesPerSecond(parameters: plan.parameters, configuration: c),
            failure: nil)
    }

    /// Day 0, every whole day, and the last (fractional) day.
    static func curveDays(_ days: Double) -> [Double] {
        var result = (0...Int(days.rounded(.down))).map(Double.init)
        if days > result.last! { result.append(days) }
        return result
    }
}
