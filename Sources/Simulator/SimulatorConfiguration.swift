// Everything a simulator instance is set up with, in one immutable value. Every field has
// the seed document's default; an instance takes its own copy (`SimulatorConfiguration(
// budget: 200, seed: 7)`) and nothing changes it afterwards: the fields are `let`.
import Foundation

public struct SimulatorConfiguration: Codable, Sendable, Equatable {
    // Architecture -> parameters
    public let inputDimension: Int
    public let outputDimension: Int
    public let firstLayer: FirstLayerRule

    // Training days -> sufficiency in [0, 1]
    public let maximumTrainingDays: Double

    // Sufficiency x parameters -> normalized entropy
    public let interpolation: InterpolationMethod
    /// Rows of the (parameters, sufficiency) table that the `.grid` methods read.
    public let gridSufficiencyPoints: Int
    /// Width, in natural-log parameter units, of the Gaussian used by `.gaussian`.
    public let gaussianWidth: Double

    // Inference throughput
    public let baseFlopsPerSample: Double
    public let flopsPerParameter: Double
    public let hardwareFlopsPerSecond: Double
    public let minimumQPS: Double

    // Noise: deviation = noiseScale x training factor x parameter factor
    public let noiseScale: Double
    public let noiseTrainingFloor: Double
    public let noiseTrainingCeiling: Double
    /// The parameter factor is (parameters / noiseReferenceParameters)^-noiseParameterExponent.
    public let noiseParameterExponent: Double
    public let noiseReferenceParameters: Double
    public let seed: UInt64

    // Budget, failures and waiting
    /// GPU-days the session may spend; nil for no limit.
    public let budget: Double?
    /// Chance that an accepted run fails (a simulated crash); failed runs spend nothing.
    public let failureProbability: Double
    /// Real milliseconds per simulated training day; 0 returns results at once.
    public let millisecondsPerDay: Double

    // The learned backend: days from compute
    /// Sustained FLOP/s of one GPU (an A100 at about 50% of its bf16 peak by default).
    public let flopsPerGPU: Double
    /// A run whose predicted divergence probability reaches this fails as diverged.
    public let divergenceThreshold: Double

    // The reference curves the reference backend interpolates between
    public let referenceCurves: [ReferenceCurve]

    /// The names in JSON bodies and configuration files.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case inputDimension = "input_dimension", outputDimension = "output_dimension", firstLayer = "first_layer"
        case maximumTrainingDays = "maximum_training_days", interpolation
        case gridSufficiencyPoints = "grid_sufficiency_points", gaussianWidth = "gaussian_width"
        case baseFlopsPerSample = "base_flops_per_sample", flopsPerParameter = "flops_per_parameter"
        case hardwareFlopsPerSecond = "hardware_flops_per_second", minimumQPS = "minimum_qps"
        case noiseScale = "noise_scale", noiseTrainingFloor = "noise_training_floor", noiseTrainingCeiling = "noise_training_ceiling"
        case noiseParameterExponent = "noise_parameter_exponent", noiseReferenceParameters = "noise_reference_parameters", seed
        case budget, failureProbability = "failure_probability", millisecondsPerDay = "milliseconds_per_day"
        case flopsPerGPU = "flops_per_gpu", divergenceThreshold = "divergence_threshold", referenceCurves = "reference_curves"
    }

    public init(
        inputDimension: Int = 512, outputDimension: Int = 10, firstLayer: FirstLayerRule = .inputTimesWidth,
        maximumTrainingDays: Double = 60,
        interpolation: InterpolationMethod = .linear, gridSufficiencyPoints: Int = 101, gaussianWidth: Double = 1.0,
        baseFlopsPerSample: Double = 1e8, flopsPerParameter: Double = 100, hardwareFlopsPerSecond: Double = 5e12,
        minimumQPS: Double = 500,
        noiseScale: Double = 0.02, noiseTrainingFloor: Double = 0.01, noiseTrainingCeiling: Double = 0.7,
        noiseParameterExponent: Double = 0.1, noiseReferenceParameters: Double = 1_585_162, seed: UInt64 = 0,
        budget: Double? = 1000, failureProbability: Double = 0, millisecondsPerDay: Double = 0,
        flopsPerGPU: Double = 1.5e14, divergenceThreshold: Double = 0.5,
        referenceCurves: [ReferenceCurve] = ReferenceCurve.all
    ) {
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.firstLayer = firstLayer
        self.maximumTrainingDays = maximumTrainingDays
        self.interpolation = interpolation
        self.gridSufficiencyPoints = gridSufficiencyPoints
        self.gaussianWidth = gaussianWidth
        self.baseFlopsPerSample = baseFlopsPerSample
        self.flopsPerParameter = flopsPerParameter
        self.hardwareFlopsPerSecond = hardwareFlopsPerSecond
        self.minimumQPS = minimumQPS
        self.noiseScale = noiseScale
        self.noiseTrainingFloor = noiseTrainingFloor
        self.noiseTrainingCeiling = noiseTrainingCeiling
        self.noiseParameterExponent = noiseParameterExponent
        self.noiseReferenceParameters = noiseReferenceParameters
        self.seed = seed
        self.budget = budget
        self.failureProbability = failureProbability
        self.millisecondsPerDay = millisecondsPerDay
        self.flopsPerGPU = flopsPerGPU
        self.divergenceThreshold = divergenceThreshold
        self.referenceCurves = referenceCurves
    }

    /// A copy with some fields replaced, for per-session overrides.
    public func with(
        budget: Double?? = nil, seed: UInt64? = nil, millisecondsPerDay: Double? = nil,
        interpolation: InterpolationMethod? = nil, failureProbability: Double? = nil
    ) -> SimulatorConfiguration {
        SimulatorConfiguration(
            inputDimension: inputDimension, outputDimension: outputDimension, firstLayer: firstLayer,
            maximumTrainingDays: maximumTrainingDays, interpolation: interpolation ?? self.interpolation,
            gridSufficiencyPoints: gridSufficiencyPoints, gaussianWidth: gaussianWidth,
            baseFlopsPerSample: baseFlopsPerSample, flopsPerParameter: flopsPerParameter,
            hardwareFlopsPerSecond: hardwareFlopsPerSecond, minimumQPS: minimumQPS,
            noiseScale: noiseScale, noiseTrainingFloor: noiseTrainingFloor, noiseTrainingCeiling: noiseTrainingCeiling,
            noiseParameterExponent: noiseParameterExponent, noiseReferenceParameters: noiseReferenceParameters,
            seed: seed ?? self.seed, budget: budget ?? self.budget, failureProbability: failureProbability ?? self.failureProbability,
            millisecondsPerDay: millisecondsPerDay ?? self.millisecondsPerDay,
            flopsPerGPU: flopsPerGPU, divergenceThreshold: divergenceThreshold, referenceCurves: referenceCurves)
    }

    /// Throws on a setting no simulation could run with, naming it.
    public func validate() throws {
        func require(_ condition: Bool, _ field: String, _ value: Any, _ hint: String) throws {
            if !condition { throw SimulatorError.invalidField(field: field, value: "\(value)", hint: hint) }
        }
        try require(inputDimension >= 1, "input_dimension", inputDimension, "a positive integer, default 512")
        try require(outputDimension >= 1, "output_dimension", outputDimension, "a positive integer, default 10")
        try require(
            maximumTrainingDays.isFinite && maximumTrainingDays > 0, "maximum_training_days", maximumTrainingDays,
            "a positive number of days, default 60")
        try require(gridSufficiencyPoints >= 2, "grid_sufficiency_points", gridSufficiencyPoints, "at least 2")
        try require(gaussianWidth.isFinite && gaussianWidth > 0, "gaussian_width", gaussianWidth, "a positive width in log-parameter units")
        try require(
            hardwareFlopsPerSecond > 0 && baseFlopsPerSample >= 0 && flopsPerParameter >= 0, "hardware_flops_per_second",
            hardwareFlopsPerSecond, "positive FLOP/s, non-negative FLOPs per sample")
        try require(minimumQPS.isFinite && minimumQPS >= 0, "minimum_qps", minimumQPS, "a non-negative floor, default 500")
        try require(noiseScale.isFinite && noiseScale >= 0, "noise_scale", noiseScale, "a non-negative deviation, default 0.02")
        try require(
            noiseTrainingFloor >= 0 && noiseTrainingFloor <= noiseTrainingCeiling, "noise_training_floor", noiseTrainingFloor,
            "between 0 and the ceiling (defaults 0.01 and 0.7)")
        // The ledger counts whole micro-GPU-days in 64 bits.
        if let budget {
            try require(budget.isFinite && budget >= 0 && budget <= 9e12, "budget", budget, "0 to 9e12 GPU-days, or null for no limit")
        }
        try require(
            failureProbability >= 0 && failureProbability <= 1, "failure_probability", failureProbability, "a probability in [0, 1]")
        try require(
            millisecondsPerDay.isFinite && millisecondsPerDay >= 0, "milliseconds_per_day", millisecondsPerDay, "non-negative milliseconds")
        try require(flopsPerGPU.isFinite && flopsPerGPU > 0, "flops_per_gpu", flopsPerGPU, "positive FLOP/s")
        try require(noiseTrainingCeiling.isFinite, "noise_training_ceiling", noiseTrainingCeiling, "a finite number, default 0.7")
        try require(noiseParameterExponent.isFinite, "noise_parameter_exponent", noiseParameterExponent, "a finite exponent, default 0.1")
        try require(
            noiseReferenceParameters.isFinite && noiseReferenceParameters > 0, "noise_reference_parameters",
            noiseReferenceParameters, "a positive parameter count")
        try require(
            baseFlopsPerSample.isFinite && flopsPerParameter.isFinite && hardwareFlopsPerSecond.isFinite,
            "hardware_flops_per_second", hardwareFlopsPerSecond, "finite FLOP counts and rates")
        try require(
            divergenceThreshold >= 0 && divergenceThreshold <= 1, "divergence_threshold", divergenceThreshold, "a probability in [0, 1]")
        try require(
            referenceCurves.count >= 2, "reference_curves", "\(referenceCurves.count) curve(s)",
            "at least two curves to interpolate between")
        for (index, curve) in referenceCurves.enumerated() {
            let field = "reference_curves[\(index)]"
            try require(
                !curve.layers.isEmpty && curve.layers.allSatisfy { $0 >= 1 && $0 <= 1 << 20 }, field + ".layers", curve.layers,
                "hidden widths from 1 to 1048576, such as [1024, 1024]")
            try require(
                [curve.start, curve.drop, curve.rate, curve.midpoint].allSatisfy(\.isFinite), field, curve.name,
                "finite start, drop, rate and midpoint")
        }
        let sizes = referenceCurves.map { $0.layers.map(Double.init).reduce(0, +) }
        try require(
            Set(sizes).count == sizes.count, "reference_curves", referenceCurves.map(\.layers),
            "curves of different sizes, for the interpolation between them")
    }
}

/// How the first hidden layer's weights are counted.
public enum FirstLayerRule: String, Codable, Sendable, CaseIterable {
    /// inputDimension x width + width: the layer reads the input (default).
    case inputTimesWidth = "input"
    /// width x width + width: the seed's "input connections squared" special case.
    case widthSquared = "squared"
}
